import type { Entity } from '../../entity/define-entity.js';
import type { ByteSource } from '../byte-source.js';
import { planCsvChunks } from '../csv/plan-csv-chunks.js';
import { importLimits, type ImportLimits } from '../import-limits.js';
import { type FanOutSettings, fanOutWidth } from './fan-out.js';
import type { ChunkMessage, ChunkQueue, FanOutPlan, ImportChunkStore } from './import-chunk.js';
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
 * Splits a large CSV job into byte-range chunks and starts the workers: one pass over the bytes
 * cuts them at row ends (planCsvChunks), the chunk items and the job's plan are written, and the
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
  const stats: { records?: number } = {};
  const ranges = await planCsvChunks(deps.bytes, deps.settings.chunkBytes, stats);
  // Over the row limit: the one-pass run fails the job at the first row over, with its message.
  if (ranges.length < 2 || (stats.records ?? 0) - 1 > importLimits(deps.limits).maxRows) return { kind: 'single' };
  const claim = await deps.jobs.claim(jobId, deps.owner, 60_000, clock());
  if (claim.kind !== 'claimed') return { kind: 'skipped', reason: claim.kind, ...(claim.kind === 'missing' ? {} : { job: claim.job }) };
  const plan: FanOutPlan = { chunks: ranges.length, width: fanOutWidth(deps.entity), chunk_bytes: deps.settings.chunkBytes };
  await deps.chunks.plan(jobId, deps.owner, plan, ranges.map((range) => ({ start: range.start, end: range.end, first_row: range.firstRow })));
  await deps.queue.send(laneStarts(jobId, plan));
  return { kind: 'fanned-out', job: { ...claim.job, fan_out: plan, chunks_done: 0 }, plan, resent: false };
}
