import { createHash } from 'node:crypto';
import type { DomainEvent } from '../../../events/catalog.js';
import type { ImportCheckpoint } from '../run-import.js';
import type { ImportMode } from '../import-sink.js';
import type { ImportSummary } from '../import-summary.js';
import type { ImportDoor, ImportJobStatus, ImportJobView } from './import-job-view.js';
import type { CounterDelta } from '../../store/entity-store.js';
import type { FanOutPlan } from './import-chunk.js';

export type { ImportJobStatus };

/** The statuses a job ends in (and `import.completed` reports). */
export type ImportEndStatus = Exclude<ImportJobStatus, 'queued' | 'running'>;

/** The S3 object a job imports; `etag`/`version_id` pin the exact content. */
export interface ImportJobSource {
  bucket: string;
  key: string;
  etag?: string;
  version_id?: string;
  door: ImportDoor;
}

/** One import job as `GET /api/v1/imports/{id}` shows it (plus internal resume state). */
export interface ImportJob extends ImportJobView {
  source: ImportJobSource;
  /** Internal: where a resumed run starts (row 0 = nothing checkpointed). */
  checkpoint_row: number;
  checkpoint?: ImportCheckpoint;
  lease_owner?: string;
  /** Epoch ms until which `lease_owner` holds the job. */
  lease_until?: number;
  /** A file split into chunks for the import workers (docs/import-jobs.md "Fan-out"). */
  fan_out?: FanOutPlan;
  /** Chunks ended so far (atomic counter): the chunk that makes it `fan_out.chunks` ends the job. */
  chunks_done?: number;
  /** The flow that started the job (the upload request's correlation id), carried into `import.completed`. */
  correlation_id?: string;
}

/** The public view: resume state and lease stay inside. */
export function jobView(job: ImportJob): Omit<ImportJob, 'checkpoint_row' | 'checkpoint' | 'lease_owner' | 'lease_until'> {
  const { checkpoint_row: _row, checkpoint: _cp, lease_owner: _owner, lease_until: _until, ...view } = job;
  return view;
}

/**
 * The job id of one S3 object version: the same bucket + key + version (ETag when unversioned)
 * always gives the same id, so a notification delivered twice finds the job it already started.
 */
export function jobIdFor(source: Pick<ImportJobSource, 'bucket' | 'key' | 'etag' | 'version_id'>): string {
  const version = source.version_id ?? source.etag?.replace(/"/g, '') ?? '';
  return `imp_${createHash('sha256').update(`${source.bucket}\0${source.key}\0${version}`).digest('base64url').slice(0, 24)}`;
}

export function queuedJob(input: {
  import_id: string;
  entity: string;
  source: ImportJobSource;
  mode: ImportMode;
  bytes_total: number | null;
  now: Date;
  correlation_id?: string;
}): ImportJob {
  return {
    ...(input.correlation_id ? { correlation_id: input.correlation_id } : {}),
    import_id: input.import_id,
    entity: input.entity,
    source: input.source,
    mode: input.mode,
    status: 'queued',
    rows_processed: 0,
    bytes_processed: 0,
    bytes_total: input.bytes_total,
    created: 0,
    updated: 0,
    skipped: 0,
    errors: 0,
    warnings: 0,
    error_details: [],
    message: null,
    report_url: null,
    queued_at: input.now.toISOString(),
    started_at: null,
    finished_at: null,
    rows_per_second: null,
    checkpoint_row: 0,
  };
}

/** Progress and counts a checkpoint or the end of a job records. */
export interface JobProgress {
  rows_processed: number;
  bytes_processed: number;
  summary: ImportSummary;
}

export type ClaimResult = { kind: 'claimed'; job: ImportJob } | { kind: 'finished'; job: ImportJob } | { kind: 'busy'; job: ImportJob } | { kind: 'missing' };

/** The counter moves a checkpoint applies with it (the entity table's, by entity name). */
export interface CountedDelta {
  entity: string;
  delta: CounterDelta;
}

/** Port of the jobs table. Every write by a worker is conditioned on holding the lease. */
export interface ImportJobStore {
  /** Creates the job unless one with its id exists; false when it did. */
  create(job: ImportJob): Promise<boolean>;
  get(id: string): Promise<ImportJob | undefined>;
  /** Recent jobs, newest first. */
  list(limit: number, after?: string): Promise<{ jobs: ImportJob[]; next?: string }>;
  /**
   * Takes the lease of a queued job, or of a running one whose lease expired (a crashed
   * worker): it resumes from its checkpoint. Finished jobs and live leases are left alone.
   */
  claim(id: string, owner: string, leaseMs: number, now: Date): Promise<ClaimResult>;
  /**
   * Records a checkpoint AND applies the counter delta of the batches it covers, in one
   * transaction conditioned on the previous checkpoint row and the lease.
   */
  checkpoint(
    id: string,
    owner: string,
    previousRow: number,
    checkpoint: ImportCheckpoint,
    progress: JobProgress,
    counted: CountedDelta,
    leaseUntil: number,
  ): Promise<void>;
  /**
   * The final state, with the last counter delta and the job's events (outbox rows), in one
   * transaction (lease held, job running). Call it through `completeJob`.
   */
  finish(
    id: string,
    owner: string,
    final: Partial<ImportJob> & { status: ImportJobStatus },
    counted: CountedDelta,
    events?: readonly DomainEvent[],
  ): Promise<void>;
  /** Gives the lease back so a retry can resume at once. */
  release(id: string, owner: string): Promise<void>;
  /** Points a queued upload job at the object that arrived; false when it already has another one. */
  attachSource(id: string, source: ImportJobSource, bytesTotal: number | null): Promise<boolean>;
}

/** The table: one item per job; `recent` lists them newest first (one partition: jobs are few). */
export const IMPORT_JOBS_RECENT_INDEX = 'recent';
