import type { Entity } from '../../entity/define-entity.js';
import type { ByteSource } from '../byte-source.js';
import { planCsvChunks } from '../csv/plan-csv-chunks.js';
import { formatOf } from '../import-format.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { importLimits, type ImportLimits } from '../import-limits.js';
import { planXlsxChunks } from '../xlsx/plan-xlsx-chunks.js';
import { type FanOutSettings, fanOutWidth } from './fan-out.js';
import type { ChunkMessage, ChunkQueue, ChunkRange, FanOutPlan, ImportChunkStore } from './import-chunk.js';
import type { ImportJob, ImportJobStore } from './import-job.js';

export interface FanOutDeps {
  jobs: ImportJobStore;
  chunks: ImportChunkStore;
  queue: ChunkQueue;
  entity: Entity;
  bytes: ByteSource;
  owner: string;
  settings: FanOutSettings;
  limits?: Partial<ImportLimits>;
  clock?: () => Date;
}

export type FanOutOutcome =
  | { kind: 'fanned-out'; job: ImportJob; plan: FanOutPlan; resent: boolean }
  | { kind: 'skipped'; reason: 'finished' | 'busy' | 'missing'; job?: ImportJob }
  /** The file makes fewer than two chunks (or is over a limit the one-pass path reports): run it in one function. */
  | { kind: 'single' };

/** The first message of each lane: chunks 0 … width−1 (each ended chunk i sends chunk i + width). */
export function laneStarts(jobId: string, plan: FanOutPlan): ChunkMessage[] {
  return Array.from({ length: Math.min(plan.width, plan.chunks) }, (_, chunk) => ({ import_id: jobId, chunk }));
}

/**
 * Splits a large job into chunks and starts the workers: a CSV into byte ranges cut at row ends
 * (planCsvChunks, one pass over the bytes), an XLSX into sheet row ranges (planXlsxChunks, one
 * streaming count pass over its rows); the chunk items and the job's plan are written, and the
 * first chunk of each of `width` lanes is sent (SendMessageBatch). Every step is idempotent:
 * a redelivered notification of a fanned-out job re-sends the lane starts (a chunk that ended
 * only forwards its lane), and a planner that died before writing its plan is re-run once its
 * job lease expires.
 */
export async function fanOutImport(jobId: string, deps: FanOutDeps): Promise<FanOutOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const existing = await deps.jobs.get(jobId);
  if (!existing) return { kind: 'skipped', reason: 'missing' };
  if (existing.fan_out) {
    if (existing.status === 'running') {
      await deps.queue.send(laneStarts(jobId, existing.fan_out));
      return { kind: 'fanned-out', job: existing, plan: existing.fan_out, resent: true };
    }
    return { kind: 'skipped', reason: 'finished', job: existing };
  }
  if (existing.status !== 'queued' && existing.status !== 'running') return { kind: 'skipped', reason: 'finished', job: existing };
  const planned = await planChunks(existing, deps);
  // Over the row limit: the one-pass run fails the job at the first row over, with its message.
  if (!planned || planned.ranges.length < 2 || planned.dataRows > importLimits(deps.limits).maxRows) return { kind: 'single' };
  const { ranges } = planned;
  const claim = await deps.jobs.claim(jobId, deps.owner, 60_000, clock());
  if (claim.kind !== 'claimed') return { kind: 'skipped', reason: claim.kind, ...(claim.kind === 'missing' ? {} : { job: claim.job }) };
  const plan: FanOutPlan = { chunks: ranges.length, width: fanOutWidth(deps.entity), chunk_bytes: deps.settings.chunkBytes };
  await deps.chunks.plan(jobId, deps.owner, plan, ranges);
  await deps.queue.send(laneStarts(jobId, plan));
  return { kind: 'fanned-out', job: { ...claim.job, fan_out: plan, chunks_done: 0 }, plan, resent: false };
}

/** The file's chunks (null: a problem the one-pass run reports with its usual message). */
async function planChunks(job: ImportJob, deps: FanOutDeps): Promise<{ ranges: ChunkRange[]; dataRows: number } | null> {
  if (formatOf(job.source.key) === 'xlsx') {
    const limits = importLimits(deps.limits);
    // A broken workbook (zip bomb, no sheet, …): the one-pass run fails the job with the reader's message.
    const plan = await planXlsxChunks(deps.bytes, {
      limits,
      sheet: deps.entity.import?.sheet ?? deps.entity.name,
      targetBytes: deps.settings.chunkBytes,
    }).catch((error: unknown) => {
      if (error instanceof ImportFileError || error instanceof ImportLimitError) return null;
      throw error;
    });
    return (
      plan && {
        ranges: plan.chunks.map((chunk) => ({ kind: 'rows', start: chunk.start, end: chunk.end, first_row: chunk.firstRow, end_row: chunk.endRow })),
        dataRows: plan.dataRows,
      }
    );
  }
  const stats: { records?: number } = {};
  const ranges = await planCsvChunks(deps.bytes, deps.settings.chunkBytes, stats);
  return { ranges: ranges.map((range) => ({ start: range.start, end: range.end, first_row: range.firstRow })), dataRows: (stats.records ?? 0) - 1 };
}
