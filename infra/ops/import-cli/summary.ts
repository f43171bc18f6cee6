import type { ImportJobView } from './api-client.js';

/** The lines printed when the job has ended. */
export function summary(job: ImportJobView): string {
  const lines: string[] = [];
  const n = (value: number | undefined) => (value ?? 0).toLocaleString('en-US');
  if (job.status === 'failed') {
    lines.push(`import ${job.import_id} failed: ${job.message ?? 'no message'}`);
  } else {
    const rate = job.rows_per_second === undefined ? '' : `, ${Math.round(job.rows_per_second)} rows/s`;
    lines.push(
      `import ${job.import_id} ${job.status}: ${n(job.rows_processed)} rows${rate}`,
      `  created ${n(job.created)}, updated ${n(job.updated)}, skipped ${n(job.skipped)}, errors ${n(job.errors)}, warnings ${n(job.warnings)}`,
    );
    for (const detail of (job.error_details ?? []).slice(0, 10)) {
      lines.push(`  row ${detail.row ?? '?'}${detail.id ? ` (${detail.id})` : ''}${detail.field ? ` ${detail.field}` : ''}: ${detail.message ?? ''}`);
    }
    if ((job.errors ?? 0) > 10) lines.push(`  … see the report for the rest`);
  }
  if (job.report_url) lines.push(`report: ${job.report_url}`);
  return `${lines.join('\n')}\n`;
}
