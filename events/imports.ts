import * as z from 'zod/mini';

/** Details of the events the import pipeline publishes (EventBridge source `records.imports`). */

const count = z.int().check(z.minimum(0));

/** How a job ended; consumers that only care about failures filter on `detail.data.status`. */
export const importEndStatus = z.enum(['completed', 'completed_with_errors', 'failed']);

export const importCompleted = z.object({
  import_id: z.string().check(z.regex(/^imp_[A-Za-z0-9_-]{8,64}$/), z.describe('The job (GET /api/v1/imports/{import_id})')),
  entity: z.string().check(z.minLength(1), z.maxLength(64), z.describe('The entity the file was imported into')),
  status: importEndStatus,
  door: z.enum(['s3', 'upload', 'direct']).check(z.describe('How the file arrived: S3 drop, presigned upload, request body')),
  mode: z.enum(['create', 'upsert']),
  totals: z.object({
    total_rows: count,
    created: count,
    updated: count,
    skipped: count,
    errors: count,
    warnings: count,
    rows_processed: count,
  }),
  message: z.nullable(z.string().check(z.maxLength(2000))).check(z.describe('Why a failed job failed (file-level problem)')),
  report_url: z.nullable(z.string().check(z.maxLength(1100))).check(z.describe('s3://bucket/reports/{import_id}/ (null: no report, e.g. a direct upload)')),
  report_key: z.nullable(z.string().check(z.maxLength(1024))).check(z.describe('Key of the full errors.csv in the imports bucket')),
  started_at: z.nullable(z.iso.datetime({ offset: false })),
  finished_at: z.iso.datetime({ offset: false }),
});
