import * as z from 'zod/mini';
import type { ImportCheckpoint } from '../run-import.js';
import type { ImportSummary } from '../import-summary.js';
import type { CountedDelta, JobProgress } from './import-job.js';

/** The SQS body of one chunk message: which job, which chunk. Everything else is in the jobs table. */
export const chunkMessageSchema = z.object({
  import_id: z.string().check(z.regex(/^imp_[\w-]{1,64}$/)),
  chunk: z.number().check(z.int(), z.minimum(0), z.maximum(9_999)),
});
export type ChunkMessage = z.infer<typeof chunkMessageSchema>;

/** A job's fan-out plan, stored on the job item: `chunks_done` is the atomic counter the last chunk sees reach `chunks`. */
export interface FanOutPlan {
  chunks: number;
  /** Chunks processed at once: chunk i + width is sent when chunk i ends (a lane per worker). */
  width: number;
  chunk_bytes: number;
}

export type ImportChunkStatus = 'pending' | 'running' | 'done' | 'failed';

/** One chunk of a fanned-out job: its byte range, checkpoint, lease and, once done, its summary. */
export interface ImportChunk {
  import_id: string;
  index: number;
  /**
   * Absent or `bytes`: a CSV chunk, bytes [start, end) of the file, `first_row` the spreadsheet
   * row at `start`. `rows`: an XLSX chunk, sheet rows [first_row, end_row); `start`/`end` are
   * then only the share of the file it stands for (progress), every worker reads from byte 0.
   */
  kind?: 'bytes' | 'rows';
  start: number;
  end: number;
  first_row: number;
  end_row?: number;
  status: ImportChunkStatus;
  checkpoint_row: number;
  checkpoint?: ImportCheckpoint;
  lease_owner?: string;
  lease_until?: number;
  rows_processed: number;
  bytes_processed: number;
  summary?: ImportSummary;
  /** A failed chunk's file problem (the job fails with the first one). */
  message?: string | null;
  /** Once ended: the last segment of the chunk's report chain (none: the chunk had no report lines). */
  report_segment?: string;
}

/** What the plan stores of a chunk: a byte range (CSV) or, with `kind: 'rows'` and `end_row`, a row range (XLSX). */
export type ChunkRange = Pick<ImportChunk, 'kind' | 'start' | 'end' | 'first_row' | 'end_row'>;

export type ChunkClaim =
  | { kind: 'claimed'; chunk: ImportChunk }
  | { kind: 'ended'; chunk: ImportChunk }
  | { kind: 'busy'; chunk: ImportChunk }
  | { kind: 'missing' };

/** Port of the chunk items in the jobs table. Every write by a worker is conditioned on its chunk lease. */
export interface ImportChunkStore {
  /** Writes the chunk items (each only if absent: a re-plan never resets progress) and marks the job fanned out. */
  plan(jobId: string, owner: string, plan: FanOutPlan, chunks: readonly ChunkRange[]): Promise<void>;
  claim(jobId: string, index: number, owner: string, leaseMs: number, now: Date): Promise<ChunkClaim>;
  /** The chunk's checkpoint AND the counter delta it covers, in one transaction (lease held, previous row unchanged). */
  checkpoint(
    jobId: string,
    index: number,
    owner: string,
    previousRow: number,
    checkpoint: ImportCheckpoint,
    progress: JobProgress,
    counted: CountedDelta,
    leaseUntil: number,
  ): Promise<void>;
  /**
   * Ends the chunk (`done`, or `failed` with a file problem) in ONE transaction with its last
   * counter delta and the job's `chunks_done + 1` (and its totals): a chunk is counted exactly once.
   * `reportSegment`: the head of the chunk's report chain, which the job's end reads.
   */
  end(
    jobId: string,
    index: number,
    owner: string,
    status: 'done' | 'failed',
    progress: JobProgress,
    counted: CountedDelta,
    message: string | null,
    reportSegment?: string,
  ): Promise<void>;
  release(jobId: string, index: number, owner: string): Promise<void>;
  /** Every chunk of the job, in index order. */
  list(jobId: string, chunks: number): Promise<ImportChunk[]>;
}

/** Sends chunk messages (SQS SendMessageBatch). Duplicates are harmless: chunks are idempotent. */
export interface ChunkQueue {
  send(messages: readonly ChunkMessage[]): Promise<void>;
}

/** The lease owner of a fanned-out job: no single worker holds it; the last chunk ends it. */
export const FAN_OUT_OWNER = 'fan-out';
