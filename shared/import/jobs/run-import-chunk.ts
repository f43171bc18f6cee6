import type { Entity } from '../../entity/define-entity.js';
import type { ByteSource } from '../byte-source.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import type { ImportLimits } from '../import-limits.js';
import { emptySummary, type ImportSummary } from '../import-summary.js';
import { openRowSource } from '../open-row-source.js';
import { type ImportCheckpoint, runImport } from '../run-import.js';
import type { ImportChunk, ImportChunkStore } from './import-chunk.js';
import type { ImportJob } from './import-job.js';
import { type CheckpointedSink, ImportInterruptedError } from './run-import-job.js';

export interface RunChunkDeps {
  chunks: ImportChunkStore;
  sink: CheckpointedSink;
  entity: Entity;
  bytes: ByteSource;
  /** Who runs it (Lambda request id): the chunk's lease holder. */
  owner: string;
  clock?: () => Date;
  limits?: Partial<ImportLimits>;
  /** A checkpoint is persisted at most every `rows` rows or `ms` milliseconds (default 5,000 / 2 s). */
  progressEvery?: { rows: number; ms: number };
  /** A chunk lease not renewed for this long lets another delivery resume it (default 60 s). */
  leaseMs?: number;
  /** Time left (Lambda context); below `reserveMs` the chunk checkpoints and stops. */
  remainingMs?: () => number;
  reserveMs?: number;
  writers?: number;
  /** Items per batch (default 25, BatchWriteItem's maximum). */
  batchSize?: number;
}

export type ChunkOutcome = { kind: 'ended'; chunk: ImportChunk; summary: ImportSummary; status: 'done' | 'failed' } | { kind: 'skipped'; reason: 'ended' | 'busy' | 'missing' };

/**
 * Imports one chunk (a byte range of a CSV) of a fanned-out job under the chunk's lease. The
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
  // Not resumed yet: "resume" right before the chunk, so the rows ahead of it only register their ids.
  const resumeFrom: ImportCheckpoint = chunk.checkpoint ?? { position: { row: chunk.first_row - 1, byte: chunk.start }, summary: emptySummary() };

  const persist = async (checkpoint: ImportCheckpoint) => {
    persistedAt = clock().getTime();
    rowsAtPersist = progress.rows;
    await deps.chunks.checkpoint(job.import_id, index, deps.owner, persistedRow, checkpoint, { rows_processed: progress.rows, bytes_processed: progress.bytes, summary: checkpoint.summary }, counted(checkpoint.position.row), persistedAt + leaseMs);
    persistedRow = checkpoint.position.row;
  };
  const end = async (status: 'done' | 'failed', summary: ImportSummary, message: string | null): Promise<ChunkOutcome> => {
    await deps.chunks.end(job.import_id, index, deps.owner, status, { rows_processed: progress.rows, bytes_processed: progress.bytes, summary }, counted(), message);
    return { kind: 'ended', chunk: { ...chunk, status, summary, message }, summary, status };
  };

  try {
    // Bytes [0, end): the header, the rows before the chunk (ids only) and the chunk's rows.
    const source = openRowSource(deps.bytes, { name: job.source.key, entity: deps.entity, limits: deps.limits, range: { kind: 'bytes', start: 0, end: chunk.end, firstRow: 1 } });
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
      onProgress: (p) => {
        // Rows and bytes of this chunk only (the read always starts at byte 0; the header is not counted).
        progress = { rows: Math.max(0, p.rows - (chunk.first_row - 2)), bytes: Math.max(0, p.bytes - chunk.start) };
      },
      checkpoint: async (position, summary) => {
        lastSummary = summary;
        if (deps.remainingMs !== undefined && deps.remainingMs() < (deps.reserveMs ?? 20_000)) {
          await persist({ position, summary });
          throw new ImportInterruptedError(`import ${job.import_id} chunk ${index}: out of time at row ${position.row}; a redelivery resumes from there`);
        }
        if (progress.rows - rowsAtPersist >= every.rows || clock().getTime() - persistedAt >= every.ms) await persist({ position, summary });
      },
    });
    return await end('done', summary, null);
  } catch (error) {
    if (error instanceof ImportFileError || error instanceof ImportLimitError) return end('failed', lastSummary, error.message);
    await deps.chunks.release(job.import_id, index, deps.owner).catch(() => undefined);
    throw error;
  }
}
