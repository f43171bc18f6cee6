import { emitMetric, type MetricSink } from '../../observability/emit-metric.js';
import { metrics as powertoolsMetrics } from '../../powertools/metrics.js';
import { emptySummary, firstDetails, type ImportSummary, jobTotals } from '../import-summary.js';
import { completeJob } from './complete-job.js';
import { FAN_OUT_OWNER, type ImportChunk, type ImportChunkStore } from './import-chunk.js';
import type { ImportEndStatus, ImportJob, ImportJobStore } from './import-job.js';
import type { JobReport } from './job-report.js';

export interface FinishFanOutDeps {
  jobs: ImportJobStore;
  chunks: ImportChunkStore;
  clock?: () => Date;
  /** The job's full report: errors.csv is assembled from every chunk's segment chain, in chunk (= row) order. */
  report?: JobReport;
  metrics?: MetricSink;
}

/** One summary of a file from its chunks' summaries (rows are the file's own numbers, so details merge by row). */
export function mergeChunkSummaries(chunks: readonly ImportChunk[]): ImportSummary {
  const summaries = chunks.map((chunk) => chunk.summary ?? emptySummary());
  const sum = (field: 'total_rows' | 'created' | 'updated' | 'skipped' | 'errors' | 'warnings') => summaries.reduce((total, s) => total + s[field], 0);
  return {
    total_rows: sum('total_rows'),
    created: sum('created'),
    updated: sum('updated'),
    skipped: sum('skipped'),
    errors: sum('errors'),
    warnings: sum('warnings'),
    error_details: firstDetails(...summaries.map((s) => s.error_details)),
    warning_details: firstDetails(...summaries.map((s) => s.warning_details)),
    skipped_details: firstDetails(...summaries.map((s) => s.skipped_details)),
    unknown_columns: summaries[0]?.unknown_columns ?? [],
  };
}

/**
 * Ends a fanned-out job once its `chunks_done` counter has reached the chunk count: status,
 * totals, rows_per_second and the report, then `completeJob` (final state + `import.completed`
 * in one transaction, conditioned on `status = running` and the fan-out lease), so however many
 * deliveries of the last chunks get here (a duplicate, a retry after a crash right after the
 * counter moved), the job ends exactly once, with one event, and its metrics are emitted once.
 * A chunk that failed on a file problem fails the job with the first such message. A report
 * that cannot be written throws: the message is redelivered and the end is tried again.
 * Returns the finished job, or undefined when it was not (or no longer) this call's to end.
 */
export async function finishFanOut(jobId: string, deps: FinishFanOutDeps): Promise<ImportJob | undefined> {
  const clock = deps.clock ?? (() => new Date());
  const job = await deps.jobs.get(jobId);
  if (!job?.fan_out || job.status !== 'running' || (job.chunks_done ?? 0) < job.fan_out.chunks) return undefined;
  const chunks = await deps.chunks.list(jobId, job.fan_out.chunks);
  const summary = mergeChunkSummaries(chunks);
  const failed = chunks.find((chunk) => chunk.status === 'failed');
  const status: ImportEndStatus = failed ? 'failed' : summary.errors > 0 ? 'completed_with_errors' : 'completed';
  const finishedAt = clock();
  const started = new Date(job.started_at ?? job.queued_at).getTime();
  const rows = chunks.reduce((total, chunk) => total + chunk.rows_processed, 0);
  const done: ImportJob = {
    ...job,
    status,
    message: failed?.message ?? null,
    rows_processed: rows,
    // The header before chunk 0 was read too: a finished job has read its whole file.
    bytes_processed: (chunks[0]?.start ?? 0) + chunks.reduce((total, chunk) => total + chunk.bytes_processed, 0),
    ...jobTotals(summary),
    finished_at: finishedAt.toISOString(),
    rows_per_second: Math.round(rows / Math.max(0.001, (finishedAt.getTime() - started) / 1000)),
  };
  // Every chunk's chain, in chunk order: the chunks cover consecutive rows, so errors.csv is in row order.
  done.report_url = deps.report
    ? await deps.report.write(
        done,
        summary,
        chunks.map((chunk) => chunk.report_segment),
      )
    : null;
  const { rows_processed, bytes_processed, created, updated, skipped, errors, warnings, error_details, finished_at, rows_per_second, report_url, message } =
    done;
  try {
    // Every chunk's counter delta went in with its own checkpoints and end: nothing is left to count.
    await completeJob({
      jobs: deps.jobs,
      owner: FAN_OUT_OWNER,
      job: done,
      final: {
        status,
        message,
        rows_processed,
        bytes_processed,
        created,
        updated,
        skipped,
        errors,
        warnings,
        error_details,
        finished_at: finished_at!,
        rows_per_second,
        report_url,
      },
      counted: { entity: job.entity, delta: { total: 0, filters: {} } },
    });
  } catch (error) {
    // The store refuses a job that is no longer running: another delivery ended it first.
    if ((await deps.jobs.get(jobId))?.status !== 'running') return undefined;
    throw error;
  }
  const metrics = deps.metrics ?? powertoolsMetrics;
  emitMetric(metrics, 'ImportRowsProcessed', done.rows_processed);
  emitMetric(metrics, 'ImportRowErrors', done.errors);
  emitMetric(metrics, 'ImportJobDuration', finishedAt.getTime() - started);
  if (status === 'failed') emitMetric(metrics, 'ImportJobsFailed');
  return done;
}
