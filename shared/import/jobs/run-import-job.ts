import type { Entity } from '../../entity/define-entity.js';
import { emitMetric, type MetricSink } from '../../observability/emit-metric.js';
import { metrics as powertoolsMetrics } from '../../powertools/metrics.js';
import type { CounterDelta } from '../../store/entity-store.js';
import type { ByteSource } from '../byte-source.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import type { ImportLimits } from '../import-limits.js';
import type { ImportSink } from '../import-sink.js';
import { emptySummary, type ImportSummary, jobTotals } from '../import-summary.js';
import { openRowSource } from '../open-row-source.js';
import { type ImportCheckpoint, runImport } from '../run-import.js';
import { completeJob } from './complete-job.js';
import type { JobReport } from './job-report.js';
import type { ImportEndStatus, ImportJob, ImportJobStore } from './import-job.js';

/** A sink whose counter deltas are handed to the checkpoint that covers them. */
export interface CheckpointedSink extends ImportSink {
  takeDelta(row?: number): CounterDelta;
}

/** Report lines held in memory beyond this many characters make the next batch checkpoint (and write them). */
export const REPORT_FLUSH_CHARS = 1024 * 1024;

/** The run stopped early (time budget): its work is checkpointed and a retry resumes it. */
export class ImportInterruptedError extends Error {}

/** What a run over a byte source needs, whether it runs a whole job or one chunk of a fanned-out one. */
export interface ImportRunOptions {
  sink: CheckpointedSink;
  entity: Entity;
  bytes: ByteSource;
  /** Who runs it (Lambda request id): the lease holder. */
  owner: string;
  clock?: () => Date;
  limits?: Partial<ImportLimits>;
  /** A checkpoint is persisted at most every `rows` rows or `ms` milliseconds (default 5,000 / 2 s). */
  progressEvery?: { rows: number; ms: number };
  /** A lease not renewed for this long lets another worker resume the run (default 60 s). */
  leaseMs?: number;
  /** Time left to run (Lambda context); below `reserveMs` the run checkpoints and stops. */
  remainingMs?: () => number;
  reserveMs?: number;
  writers?: number;
  /** The job's full report, written segment by segment with the checkpoints (optional: direct uploads, tests). */
  report?: JobReport;
}

export interface RunJobDeps extends ImportRunOptions {
  jobs: ImportJobStore;
  /** ImportRowsProcessed, ImportRowErrors, ImportJobDuration, ImportJobsFailed, once per finished job. @default the Powertools metrics */
  metrics?: MetricSink;
}

/** `summary`: what the run did; `error`: the file problem a failed job failed with. */
export type RunJobOutcome =
  | { kind: 'ran'; job: ImportJob; summary?: ImportSummary; error?: ImportFileError | ImportLimitError }
  | { kind: 'skipped'; reason: 'finished' | 'busy' | 'missing'; job?: ImportJob };

/**
 * Runs (or resumes) one import job under a lease: claims it, streams its file through
 * `runImport`, and every few thousand rows records a checkpoint in the same transaction as
 * the counter delta of the batches it covers. A worker dying between a batch and its
 * checkpoint leaves that batch unrecorded and uncounted; the next worker replays it (the sink
 * recognises its own writes) and counts it then. File problems end the job `failed`; anything
 * else (DynamoDB down, out of time) gives the lease back and rethrows so the invocation is
 * retried and resumes.
 */
export async function runImportJob(jobId: string, deps: RunJobDeps): Promise<RunJobOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 60_000;
  const every = deps.progressEvery ?? { rows: 5_000, ms: 2_000 };
  const claim = await deps.jobs.claim(jobId, deps.owner, leaseMs, clock());
  if (claim.kind !== 'claimed') return { kind: 'skipped', reason: claim.kind, ...(claim.kind === 'missing' ? {} : { job: claim.job }) };
  const job = claim.job;
  const started = clock().getTime();
  const resumedRows = job.rows_processed;
  let persistedRow = job.checkpoint_row;
  let persistedAt = started;
  let rowsAtPersist = job.rows_processed;
  let progress = { rows: job.rows_processed, bytes: job.bytes_processed };
  let lastSummary: ImportSummary = job.checkpoint?.summary ?? emptySummary();
  let lastRow = job.checkpoint?.position.row ?? 0;
  // The last report segment a checkpoint committed: this run's segments chain after it.
  let reportHead = job.checkpoint?.report_segment;

  const persist = async (checkpoint: ImportCheckpoint) => {
    // The report lines of the rows this checkpoint covers are durable before it commits.
    const segment = await deps.report?.flush(persistedRow, checkpoint.position.row, reportHead);
    if (segment) checkpoint = { ...checkpoint, report_segment: segment };
    const delta = deps.sink.takeDelta(checkpoint.position.row);
    const now = clock().getTime();
    persistedAt = now;
    rowsAtPersist = progress.rows;
    await deps.jobs.checkpoint(
      jobId,
      deps.owner,
      persistedRow,
      checkpoint,
      { rows_processed: progress.rows, bytes_processed: progress.bytes, summary: checkpoint.summary },
      { entity: job.entity, delta },
      now + leaseMs,
    );
    persistedRow = checkpoint.position.row;
    reportHead = segment;
  };
  // A due checkpoint is persisted while the next batches are written (one at a time, in row
  // order): awaiting its transaction stalled every writer for a DynamoDB round trip each time.
  let persisting: Promise<void> | undefined;
  let persistFailure: { error: unknown } | undefined;
  const persistInBackground = (checkpoint: ImportCheckpoint) => {
    persisting = persist(checkpoint)
      .catch((error: unknown) => void (persistFailure ??= { error }))
      .finally(() => (persisting = undefined));
  };
  /** Waits for the checkpoint in flight (none may land after the job is finished or released) and rethrows its failure. */
  const settlePersist = async () => {
    await persisting;
    if (persistFailure) throw persistFailure.error;
  };

  const finish = async (status: ImportEndStatus, summary: ImportSummary, message: string | null) => {
    const finishedAt = clock();
    const seconds = Math.max(0.001, (finishedAt.getTime() - started) / 1000);
    const done: ImportJob = {
      ...job,
      status,
      message,
      rows_processed: progress.rows,
      bytes_processed: progress.bytes,
      ...jobTotals(summary),
      finished_at: finishedAt.toISOString(),
      rows_per_second: Math.round((progress.rows - resumedRows) / seconds),
    };
    // The last lines, then errors.csv from the whole chain; a failure here is retried (the
    // retry resumes at the last checkpoint): the report is the only full record of the rows.
    done.report_url = deps.report ? await deps.report.write(done, summary, [await deps.report.flush(persistedRow, lastRow, reportHead)]) : null;
    // The final state, the remaining delta (whatever was written is in the table: a finished
    // job counts all of it) and import.completed, in one transaction.
    await completeJob({
      jobs: deps.jobs,
      owner: deps.owner,
      job: done,
      final: {
        status,
        message,
        rows_processed: done.rows_processed,
        bytes_processed: done.bytes_processed,
        created: done.created,
        updated: done.updated,
        skipped: done.skipped,
        errors: done.errors,
        warnings: done.warnings,
        error_details: done.error_details,
        finished_at: done.finished_at!,
        rows_per_second: done.rows_per_second,
        report_url: done.report_url,
      },
      counted: { entity: job.entity, delta: deps.sink.takeDelta() },
    });
    // After the job is recorded finished: a failed finish is retried and must not count twice.
    const metrics = deps.metrics ?? powertoolsMetrics;
    emitMetric(metrics, 'ImportRowsProcessed', done.rows_processed);
    emitMetric(metrics, 'ImportRowErrors', done.errors);
    emitMetric(metrics, 'ImportJobDuration', finishedAt.getTime() - new Date(job.started_at ?? started).getTime());
    if (status === 'failed') emitMetric(metrics, 'ImportJobsFailed');
    return { kind: 'ran' as const, job: done, summary };
  };

  try {
    const source = openRowSource(deps.bytes, { name: job.source.key, entity: deps.entity, limits: deps.limits });
    const summary = await runImport({
      importId: jobId,
      source,
      entity: deps.entity,
      mode: job.mode,
      sink: deps.sink,
      limits: deps.limits,
      writers: deps.writers,
      ...(job.checkpoint ? { resumeFrom: job.checkpoint } : {}),
      onProgress: (p) => {
        progress = { rows: Math.max(resumedRows, p.rows), bytes: p.bytes };
      },
      ...(deps.report ? { onDetail: (kind, detail) => deps.report!.add(kind, detail) } : {}),
      checkpoint: async (position, summary) => {
        lastSummary = summary;
        lastRow = position.row;
        const outOfTime = deps.remainingMs !== undefined && deps.remainingMs() < (deps.reserveMs ?? 30_000);
        if (persistFailure) throw persistFailure.error;
        if (outOfTime) {
          await settlePersist();
          await persist({ position, summary });
          throw new ImportInterruptedError(`import ${jobId}: out of time at row ${position.row}; a retry resumes from there`);
        }
        const reportFull = (deps.report?.pendingBytes ?? 0) >= REPORT_FLUSH_CHARS;
        // Backpressure: held report lines may not outgrow their bound while a checkpoint is slow.
        if (reportFull && persisting) await settlePersist();
        if (!persisting && (progress.rows - rowsAtPersist >= every.rows || clock().getTime() - persistedAt >= every.ms || reportFull)) {
          persistInBackground({ position, summary });
        }
      },
    });
    await settlePersist();
    return await finish(summary.errors > 0 ? 'completed_with_errors' : 'completed', summary, null);
  } catch (error) {
    await persisting;
    // A failed checkpoint may have taken report lines it never committed: retry instead.
    if ((error instanceof ImportFileError || error instanceof ImportLimitError) && !persistFailure) {
      try {
        return { ...(await finish('failed', lastSummary, error.message)), error };
      } catch (finishError) {
        await deps.jobs.release(jobId, deps.owner).catch(() => undefined);
        throw finishError;
      }
    }
    await deps.jobs.release(jobId, deps.owner).catch(() => undefined);
    throw error;
  }
}
