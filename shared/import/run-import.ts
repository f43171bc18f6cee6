import type { Entity } from '../entity/define-entity.js';
import { mapHeader } from './header-map.js';
import { ImportFileError, ImportLimitError } from './import.errors.js';
import { importLimits, type ImportLimits } from './import-limits.js';
import type { ImportMode, ImportSink } from './import-sink.js';
import { IdRegistry } from './id-registry.js';
import { type DetailListener, ImportTally, type TallySnapshot } from './import-tally.js';
import type { ImportSummary } from './import-summary.js';
import { createRowCleaner } from './row-cleaner.js';
import type { RowSource } from './source-row.js';

/** The last row an import has fully handled (and, for CSV, the byte just after it). */
export interface ImportPosition {
  row: number;
  byte?: number;
}

/** What a job stores after each batch to resume from after a crash. */
export interface ImportCheckpoint {
  position: ImportPosition;
  summary: ImportSummary;
  /** The job's report: the last segment holding the report lines of rows up to `position` (none: no lines yet). */
  report_segment?: string;
}

export interface ImportProgress {
  rows: number;
  bytes: number;
}

export interface RunImportInput {
  /** The job's id: the sink tags writes with it so a replayed batch is recognised. */
  importId: string;
  source: RowSource;
  entity: Entity;
  mode: ImportMode;
  sink: ImportSink;
  /** Called after each batch is written (in row order), and once at the end. */
  checkpoint?: (position: ImportPosition, summary: ImportSummary) => Promise<void> | void;
  /** The last checkpoint of an interrupted run of the same source. */
  resumeFrom?: ImportCheckpoint;
  onProgress?: (progress: ImportProgress) => void;
  limits?: Partial<ImportLimits>;
  /** Items per `writeBatch` (BatchWriteItem takes 25). */
  batchSize?: number;
  /** Batches written concurrently; checkpoints still advance in row order. */
  writers?: number;
  /** The source is one chunk of a bigger file: no data rows in it is not an error. */
  chunk?: boolean;
  /** Every error, warning and skip as decided (for the full report; rows before `resumeFrom` give none). */
  onDetail?: DetailListener;
}

/**
 * Rows read without enough valid ones to fill a batch (a file of refused or duplicate rows)
 * still reach a checkpoint after this many: progress, resume points and the report's held
 * lines stay bounded by it instead of growing to the whole file.
 */
const MAX_ROWS_PER_CUT = 1_000;

interface InFlight {
  done: Promise<Awaited<ReturnType<ImportSink['writeBatch']>>>;
  ids: string[];
  rows: number[];
  position: ImportPosition;
  snapshot: TallySnapshot;
}

/**
 * Imports one file (or chunk): header → clean → validate → dedupe → batches to the sink, with a
 * checkpoint after each batch. Holds one batch per writer plus the ids seen (for "first wins"),
 * never the file. A run resumed from a checkpoint re-reads the rows before it only to recover
 * the ids already seen, writes none of them again, and ends with the same data and summary as
 * an uninterrupted run. File-level problems throw `ImportFileError` / `ImportLimitError`.
 */
export async function runImport(input: RunImportInput): Promise<ImportSummary> {
  const { entity, mode, sink, source, importId } = input;
  const limits = importLimits(input.limits);
  const batchSize = input.batchSize ?? 25;
  const writers = Math.max(1, input.writers ?? 1);
  const resumeRow = input.resumeFrom?.position.row ?? 0;
  const tally = new ImportTally(entity.idField, input.resumeFrom?.summary, input.onDetail);
  const firstRowOf = new IdRegistry();
  const inFlight: InFlight[] = [];
  let items: Record<string, unknown>[] = [];
  let ids: string[] = [];
  let rows: number[] = [];
  let lastRow = input.resumeFrom?.position.row ?? 1;
  let lastByte = input.resumeFrom?.position.byte;
  const position = (): ImportPosition => (lastByte === undefined ? { row: lastRow } : { row: lastRow, byte: lastByte });
  let rowsRead = 0;
  let firstRow = 0;
  let rowsSinceCut = 0;

  const settleOldest = async () => {
    const oldest = inFlight.shift()!;
    const result = await oldest.done;
    tally.applyWrite(oldest.ids, oldest.rows, result);
    await input.checkpoint?.(oldest.position, tally.summaryAt(oldest.snapshot));
  };
  const flush = async () => {
    if (items.length === 0 && rowsSinceCut === 0) return;
    rowsSinceCut = 0;
    // A cut with nothing valid to write still checkpoints, in row order with the batches.
    const done = items.length > 0 ? sink.writeBatch(items, mode, { importId, rows }) : Promise.resolve({ created: 0, updated: 0, errors: [] });
    done.catch(() => undefined); // awaited in order by settleOldest; this only silences the wait
    inFlight.push({ done, ids, rows, position: position(), snapshot: tally.snapshot() });
    items = [];
    ids = [];
    rows = [];
    input.onProgress?.({ rows: rowsRead, bytes: source.bytesRead });
    if (inFlight.length >= writers) await settleOldest();
  };

  try {
    let clean: ReturnType<typeof createRowCleaner> | undefined;
    for await (const block of source) {
      for (const row of block) {
        if (!clean) {
          const header = mapHeader(entity, row.cells);
          tally.unknownColumns(header.unknownColumns);
          clean = createRowCleaner(entity, header);
          continue;
        }
        rowsRead++;
        const cleaned = clean(row.cells);
        if (cleaned.kind === 'blank') continue;
        if (row.row <= resumeRow) {
          if (cleaned.kind === 'valid') firstRowOf.claim(cleaned.id, row.row);
          continue;
        }
        if (tally.totalRows >= limits.maxRows) {
          throw new ImportLimitError(
            'rows',
            `The file has more than ${limits.maxRows.toLocaleString('en')} data rows, the limit for one import. Split it into smaller files.`,
            { maxRows: limits.maxRows },
          );
        }
        tally.row();
        if (cleaned.warnings.length > 0) tally.warn(row.row, cleaned.id, cleaned.warnings);
        if (cleaned.kind === 'invalid') {
          tally.fail(row.row, cleaned.id, cleaned.errors);
        } else if ((firstRow = firstRowOf.claim(cleaned.id, row.row)) !== 0) {
          tally.skip(row.row, cleaned.id, `Duplicate of row ${firstRow}, which is kept`);
        } else {
          items.push(cleaned.item);
          ids.push(cleaned.id);
          rows.push(row.row);
        }
        lastRow = row.row;
        lastByte = row.endByte;
        rowsSinceCut++;
        if (items.length >= batchSize || rowsSinceCut >= MAX_ROWS_PER_CUT) await flush();
      }
    }
    if (!clean) throw new ImportFileError('empty', 'The file is empty.');
    if (tally.rows === 0 && resumeRow === 0 && !input.chunk) {
      throw new ImportFileError('noRows', 'The file has a header row but no data rows.');
    }
    await flush();
    while (inFlight.length > 0) await settleOldest();
  } catch (error) {
    // No write may still be running when the job is declared failed.
    await Promise.allSettled(inFlight.map((entry) => entry.done));
    throw error;
  }
  const summary = tally.summaryAt(tally.snapshot());
  await input.checkpoint?.(position(), summary);
  input.onProgress?.({ rows: rowsRead, bytes: source.bytesRead });
  return summary;
}
