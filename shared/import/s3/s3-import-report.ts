import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { jobView, type ImportJob } from '../jobs/import-job.js';
import type { ImportRowDetail, ImportSummary } from '../import-summary.js';

export const reportPrefix = (importId: string) => `reports/${importId}/`;

const csvCell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : String(value);
  // Neutralise formula injection and quote anything CSV-special.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

function* reportLines(idField: string, summary: ImportSummary): Generator<string> {
  yield `kind,row,${idField},field,message\r\n`;
  const rows = (kind: string, details: ImportRowDetail[]) => details.map((d) => [kind, d.row, d[idField], d.field, d.message].map(csvCell).join(',') + '\r\n');
  const all = [...rows('error', summary.error_details), ...rows('warning', summary.warning_details), ...rows('skipped', summary.skipped_details)];
  yield* all;
}

/**
 * Writes `reports/{import_id}/errors.csv` (errors, warnings and skipped rows — the first 100 of
 * each, as the summary keeps them) and `summary.json`, streamed through a managed upload.
 * Returns the report's S3 URL.
 */
export async function writeImportReport(client: S3Client, bucket: string, idField: string, job: ImportJob, summary: ImportSummary): Promise<string> {
  const prefix = reportPrefix(job.import_id);
  await new Upload({ client, params: { Bucket: bucket, Key: `${prefix}errors.csv`, Body: Readable.from(reportLines(idField, summary)), ContentType: 'text/csv; charset=utf-8' } }).done();
  const body = JSON.stringify({ ...jobView(job), summary }, null, 2);
  await new Upload({ client, params: { Bucket: bucket, Key: `${prefix}summary.json`, Body: body, ContentType: 'application/json' } }).done();
  return `s3://${bucket}/${prefix}`;
}
