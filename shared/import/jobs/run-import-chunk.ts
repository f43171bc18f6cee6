import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { emptySummary, type ImportSummary } from '../import-summary.js';
import { openRowSource } from '../open-row-source.js';
import type { SourceRange } from '../source-row.js';
import { type ImportCheckpoint, runImport } from '../run-import.js';
import type { ImportChunk, ImportChunkStore } from './import-chunk.js';
import type { ImportJob } from './import-job.js';
import { ImportInterruptedError, type ImportRunOptions, REPORT_FLUSH_CHARS } from './run-import-job.js';

/** A chunk's run: its lease is the chunk's, its report part is its own segment chain. */
export interface RunChunkDeps extends ImportRunOptions {
  chunks: ImportChunkStore;
  /** Items per batch (default 25, BatchWriteItem's maximum). */
  batchSize?: number;
}

export type ChunkOutcome =
  | { kind: 'ended'; chunk: ImportChunk; summary: ImportSummary; status: 'done' | 'failed' }
  | { kind: 'skipped'; reason: 'ended' | 'busy' | 'missing' };

/**
 * Imports one chunk (a byte range of a CSV, a row range of an XLSX sheet) of a fanned-out job under the chunk's lease. The
 * rows BEFORE the chunk are read again (parse + clean, nothing written or counted) only to
 * learn which ids earlier rows already carry, so "first wins" holds across chunks exactly as
 * in one pass: a later duplicate is skipped wherever its first row is. Checkpoints move the
 * counter delta they cover in the same transaction; a chunk killed mid-way is resumed from its
 * checkpoint by the next delivery and its unrecorded batches replayed (the sink recognises
 * its own writes by job + row). The chunk's end and the job's `chunks_done + 1` are one write.
 */
export async function runImportChunk(job: ImportJob, index: number, deps: RunChunkDeps): Promise<ChunkOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 60_000;
  const every = deps.progressEvery ?? { rows: 5_000, ms: 2_000 };
  const claim = await deps.chunks.claim(job.import_id, index, deps.owner, leaseMs, clock());
  if (claim.kind !== 'claimed') return { kind: 'skipped', reason: claim.kind };
  const chunk = claim.chunk;
  const counted = (row?: number) => ({ entity: job.entity, delta: deps.sink.takeDelta(row) });
  let persistedRow = chunk.checkpoint_row;
  let persistedAt = clock().getTime();
  let rowsAtPersist = chunk.rows_processed;
  let progress = { rows: chunk.rows_processed, bytes: chunk.bytes_processed };
  let lastSummary = chunk.checkpoint?.summary ?? emptySummary();
  let lastRow = chunk.checkpoint?.position.row ?? chunk.first_row - 1;
  // The chunk's own report chain: the last segment a checkpoint of this chunk committed.
  let reportHead = chunk.checkpoint?.report_segment;
  // Segments are named by the rows they cover: a chunk's first one starts right before the chunk.
  const segmentFrom = () => (persistedRow > 0 ? persistedRow : chunk.first_row - 1);
  // Not resumed yet: "resume" right before the chunk, so the rows ahead of it only register their ids.
  const resumeFrom: ImportCheckpoint = chunk.checkpoint ?? {
    position: chunk.kind === 'rows' ? { row: chunk.first_row - 1 } : { row: chunk.first_row - 1, byte: chunk.start },
    summary: emptySummary(),
  };

  const persist = async (checkpoint: ImportCheckpoint) => {
    // The report lines of the rows this checkpoint covers are durable before it commits (as for a whole job).
    const segment = await deps.report?.flush(segmentFrom(), checkpoint.position.row, reportHead);
    if (segment) checkpoint = { ...checkpoint, report_segment: segment };
    persistedAt = clock().getTime();
    rowsAtPersist = progress.rows;
    await deps.chunks.checkpoint(
      job.import_id,
      index,
      deps.owner,
      persistedRow,
      checkpoint,
      { rows_processed: progress.rows, bytes_processed: progress.bytes, summary: checkpoint.summary },
      counted(checkpoint.position.row),
      persistedAt + leaseMs,
    );
    persistedRow = checkpoint.position.row;
    reportHead = segment;
  };
  const end = async (status: 'done' | 'failed', summary: ImportSummary, message: string | null): Promise<ChunkOutcome> => {
    // The last lines become the chain's last segment; its key ends the chunk with it (the job's end reads it).
    const head = deps.report ? await deps.report.flush(segmentFrom(), lastRow, reportHead) : undefined;
    await deps.chunks.end(
      job.import_id,
      index,
      deps.owner,
      status,
      { rows_processed: progress.rows, bytes_processed: progress.bytes, summary },
      counted(),
      message,
      head,
    );
    return { kind: 'ended', chunk: { ...chunk, status, summary, message, ...(head ? { report_segment: head } : {}) }, summary, status };
  };

  try {
    // CSV: bytes [0, end); XLSX: the sheet from its first row up to the row before end_row. Either
    // way the header, the rows before the chunk (ids only) and the chunk's rows.
    const range: SourceRange =
      chunk.kind === 'rows'
        ? { kind: 'rows', from: 0, to: (chunk.end_row ?? Number.MAX_SAFE_INTEGER) - 1 }
        : { kind: 'bytes', start: 0, end: chunk.end, firstRow: 1 };
    const source = openRowSource(deps.bytes, { name: job.source.key, entity: deps.entity, limits: deps.limits, range });
    const summary = await runImport({
      importId: job.import_id,
      source,
      entity: deps.entity,
      mode: job.mode,
      sink: deps.sink,
      limits: deps.limits,
      writers: deps.writers,
      batchSize: deps.batchSize,
      chunk: true,
      resumeFrom,
      ...(deps.report ? { onDetail: (kind, detail) => deps.report!.add(kind, detail) } : {}),
      onProgress: (p) => {
        // Rows and bytes of this chunk only (the read always starts at byte 0; the header is not
        // counted). An XLSX chunk's bytes are its share of the file (compressed bytes, read from 0 by every chunk).
        const bytes = Math.max(0, p.bytes - chunk.start);
        progress = { rows: Math.max(0, p.rows - (chunk.first_row - 2)), bytes: chunk.kind === 'rows' ? Math.min(bytes, chunk.end - chunk.start) : bytes };
      },
      checkpoint: async (position, summary) => {
        lastSummary = summary;
        lastRow = position.row;
        if (deps.remainingMs !== undefined && deps.remainingMs() < (deps.reserveMs ?? 20_000)) {
          await persist({ position, summary });
          throw new ImportInterruptedError(`import ${job.import_id} chunk ${index}: out of time at row ${position.row}; a redelivery resumes from there`);
        }
        // Held report lines above their bound checkpoint early (and become a segment).
        const reportFull = (deps.report?.pendingBytes ?? 0) >= REPORT_FLUSH_CHARS;
        if (progress.rows - rowsAtPersist >= every.rows || clock().getTime() - persistedAt >= every.ms || reportFull) await persist({ position, summary });
      },
    });
    return await end('done', summary, null);
  } catch (error) {
    if (error instanceof ImportFileError || error instanceof ImportLimitError) return end('failed', lastSummary, error.message);
    await deps.chunks.release(job.import_id, index, deps.owner).catch(() => undefined);
    throw error;
  }
}
