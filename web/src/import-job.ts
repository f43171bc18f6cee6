import type { ImportJobStatus, ImportJobView, ImportRowDetail } from '../../shared/import/jobs/import-job-view.js';

/** An import job as `GET /api/v1/imports/{id}` returns it: the API's own type (docs/import-jobs.md "HTTP"). */
export type ImportJob = ImportJobView;
export type ImportStatus = ImportJobStatus;
export type { ImportRowDetail };

/** `POST /api/v1/imports` → the presigned upload. */
export interface UploadTicket {
  import_id: string;
  upload_url: string;
  method: 'PUT';
  expires_at: string;
}

export const STATUS_LABELS: Record<ImportStatus, string> = {
  queued: 'Waiting to start',
  running: 'Importing',
  completed: 'Completed',
  completed_with_errors: 'Completed with errors',
  failed: 'Failed',
};

export const isFinished = (status: ImportStatus): boolean => status === 'completed' || status === 'completed_with_errors' || status === 'failed';

/** `imports/students/uploads/imp_…/roster.csv` → `roster.csv`. */
export const fileNameOf = (key: string): string => key.slice(key.lastIndexOf('/') + 1) || key;

/** `1536` → `1.5 KB`: decimal units, as file managers show sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/**
 * Rows and bytes per second over the last `windowMs` of samples: what the user sees move now,
 * not the average since the start (a job waits in the queue, then runs fast).
 */
export class RateMeter {
  private readonly samples: { at: number; rows: number; bytes: number }[] = [];
  constructor(private readonly windowMs = 5000) {}

  add(at: number, rows: number, bytes: number): void {
    this.samples.push({ at, rows, bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  /** null until two samples at least 200 ms apart exist. */
  get rate(): { rowsPerSecond: number; bytesPerSecond: number } | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 200) return null;
    const seconds = (last.at - first.at) / 1000;
    return { rowsPerSecond: Math.max(0, (last.rows - first.rows) / seconds), bytesPerSecond: Math.max(0, (last.bytes - first.bytes) / seconds) };
  }
}

/** Poll delay: 250 ms, ×1.5 while nothing moves, at most 2 s (the import CLI's rhythm). */
export function nextPollDelay(previousMs: number, moved: boolean): number {
  return moved ? 250 : Math.min(2000, Math.round(previousMs * 1.5));
}

/** The share of the file read, 0–1; null while the size is unknown (queued). */
export function jobFraction(job: Pick<ImportJob, 'status' | 'bytes_processed' | 'bytes_total'>): number | null {
  if (isFinished(job.status)) return 1;
  if (!job.bytes_total) return null;
  return Math.min(1, job.bytes_processed / job.bytes_total);
}

/** One line under the bar: bytes, rows and rate, in words a user reads at a glance. */
export function progressLine(job: ImportJob, rate: RateMeter['rate']): string {
  const parts: string[] = [];
  parts.push(job.bytes_total ? `${formatBytes(job.bytes_processed)} of ${formatBytes(job.bytes_total)}` : `${formatBytes(job.bytes_processed)} read`);
  parts.push(`${job.rows_processed.toLocaleString('en')} row${job.rows_processed === 1 ? '' : 's'}`);
  const perSecond = isFinished(job.status) ? job.rows_per_second : rate?.rowsPerSecond;
  if (perSecond !== null && perSecond !== undefined && (perSecond > 0 || isFinished(job.status)))
    parts.push(`${Math.round(perSecond).toLocaleString('en')} rows/s`);
  return parts.join(' · ');
}
