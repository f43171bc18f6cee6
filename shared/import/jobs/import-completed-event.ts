import { createHash } from 'node:crypto';
import { type EventEnvelope, eventCatalog } from '../../../events/catalog.js';
import type { ImportEndStatus, ImportJob } from './import-job.js';
import { reportKeys } from './report-keys.js';

/**
 * The id of a job's `import.completed` event: a UUID (version 8, RFC 9562) derived from the
 * job id, so the event of one job is one outbox row whichever worker ends it (the outbox put
 * is conditioned on the id not existing).
 */
export function importCompletedEventId(importId: string): string {
  const hex = createHash('sha256').update(`import.completed\0${importId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The `import.completed` envelope of a job in its final state, validated against the catalog. */
export function importCompletedEvent(job: ImportJob & { status: ImportEndStatus; finished_at: string }): EventEnvelope<'import.completed'> {
  const entry = eventCatalog['import.completed'];
  return entry.envelope.parse({
    id: importCompletedEventId(job.import_id),
    type: 'import.completed',
    version: entry.version,
    occurred_at: job.finished_at,
    correlation_id: job.correlation_id ?? job.import_id,
    causation_id: null,
    data: {
      import_id: job.import_id,
      entity: job.entity,
      status: job.status,
      door: job.source.door,
      mode: job.mode,
      totals: {
        total_rows: job.created + job.updated + job.skipped + job.errors,
        created: job.created,
        updated: job.updated,
        skipped: job.skipped,
        errors: job.errors,
        warnings: job.warnings,
        rows_processed: job.rows_processed,
      },
      message: job.message,
      report_url: job.report_url,
      report_key: job.report_url ? reportKeys(job.import_id).errors : null,
      started_at: job.started_at,
      finished_at: job.finished_at,
    },
  }) as EventEnvelope<'import.completed'>;
}
