import { s3ByteSource } from '../s3/s3-byte-source.js';
import { S3ImportReport } from '../s3/s3-import-report.js';
import { finishFanOut } from './finish-fan-out.js';
import { type ChunkMessage, type ChunkQueue, FAN_OUT_OWNER, type ImportChunkStore } from './import-chunk.js';
import type { ImportJob } from './import-job.js';
import type { ImportWorkerDeps } from './import-worker-deps.js';
import { type ChunkOutcome, runImportChunk, type RunChunkDeps } from './run-import-chunk.js';

export interface ChunkMessageDeps extends ImportWorkerDeps {
  chunks: ImportChunkStore;
  queue: ChunkQueue;
  /** Test hooks: checkpoint cadence, lease length, batch size. */
  tuning?: Pick<RunChunkDeps, 'progressEvery' | 'leaseMs' | 'reserveMs' | 'batchSize'>;
}

export type ChunkMessageOutcome = ChunkOutcome | { kind: 'dropped'; reason: string } | { kind: 'forwarded'; finished?: ImportJob; chunk: ChunkOutcome };

/**
 * One chunk message: run the chunk (or find it ended), send the next chunk of its lane, and
 * end the job when this chunk's end made `chunks_done` reach the chunk count. A duplicate
 * message whose chunk another delivery is running is dropped: that delivery's own message stays
 * on the queue until the chunk ends, and comes back if its worker dies.
 */
export async function handleChunkMessage(message: ChunkMessage, deps: ChunkMessageDeps): Promise<ChunkMessageOutcome> {
  const job = await deps.jobs.get(message.import_id);
  if (!job?.fan_out) return { kind: 'dropped', reason: 'no fanned-out job with this id' };
  if (message.chunk >= job.fan_out.chunks) return { kind: 'dropped', reason: `the job has ${job.fan_out.chunks} chunks` };
  if (job.status !== 'running') return { kind: 'dropped', reason: `the job is ${job.status}` };
  const entity = deps.entities.find((candidate) => candidate.name === job.entity && candidate.import);
  if (!entity) return { kind: 'dropped', reason: `entity '${job.entity}' is not importable` };
  const { bucket, key, etag } = job.source;
  const outcome = await runImportChunk(job, message.chunk, {
    chunks: deps.chunks,
    sink: deps.sink(entity),
    entity,
    bytes: s3ByteSource(deps.s3, { bucket, key, size: job.bytes_total ?? 0, ...(etag ? { etag } : {}) }),
    owner: deps.owner,
    clock: deps.clock,
    limits: deps.limits,
    writers: deps.writers ?? 4,
    remainingMs: deps.remainingMs,
    // The chunk's own chain of report segments (the owner in their keys: this delivery).
    report: new S3ImportReport(deps.s3, bucket, entity.idField, job.import_id, deps.owner),
    ...deps.tuning,
  });
  if (outcome.kind === 'skipped' && outcome.reason !== 'ended') return outcome;
  // Ended now or by an earlier delivery: the lane goes on (a resend is harmless), then maybe the job ends.
  const next = message.chunk + job.fan_out.width;
  if (next < job.fan_out.chunks) await deps.queue.send([{ import_id: job.import_id, chunk: next }]);
  const finished = await finishFanOut(job.import_id, {
    jobs: deps.jobs,
    chunks: deps.chunks,
    clock: deps.clock,
    report: new S3ImportReport(deps.s3, bucket, entity.idField, job.import_id, FAN_OUT_OWNER),
  });
  return { kind: 'forwarded', chunk: outcome, ...(finished ? { finished } : {}) };
}
