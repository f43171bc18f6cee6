/**
 * An import job as the HTTP API shows it (`GET /api/v1/imports/{id}`, docs/import-jobs.md
 * "HTTP"). Types only, no runtime imports: the web console type-checks against this file too,
 * so the console and the API cannot drift apart.
 */
import type { ImportRowDetail } from '../import-summary.js';

export type ImportJobStatus = 'queued' | 'running' | 'completed' | 'completed_with_errors' | 'failed';

/** How the file arrived: dropped in the bucket, uploaded through a presigned URL, or in the request body (no bucket). */
export type ImportDoor = 's3' | 'upload' | 'direct';

export type { ImportRowDetail };

export interface ImportJobView {
  import_id: string;
  entity: string;
  source: { door: ImportDoor; key: string };
  mode: 'create' | 'upsert';
  status: ImportJobStatus;
  rows_processed: number;
  bytes_processed: number;
  bytes_total: number | null;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  warnings: number;
  error_details: ImportRowDetail[];
  /** Why a failed job failed (file-level problem), for the person who made the file. */
  message: string | null;
  report_url: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
  rows_per_second: number | null;
}
