/** S3 ObjectCreated under imports/{entity}/ → one import job per object (created, resumed or skipped). */
import type { Context, S3Event } from 'aws-lambda';
import { handleObjectCreated } from '../../shared/import/jobs/handle-object-created.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { logger } from '../../shared/powertools/logger.js';
import { publishMetrics } from '../../shared/powertools/metrics.js';
import { entities } from '../../shared/registry.js';

export const handler = async (event: S3Event, context: Context) => {
  const container = importJobContainer(entities);
  const outcomes = [];
  // The import metrics (rows, errors, duration, failures) are written even when a record throws.
  try {
    for (const record of event.Records) {
      const outcome = await handleObjectCreated(record, {
        jobs: container.jobs,
        s3: container.s3,
        entities,
        sink: container.sink,
        fanOut: container.fanOut,
        owner: context.awsRequestId,
        remainingMs: () => context.getRemainingTimeInMillis(),
        log: (message, details) => logger.warn(message, details ?? {}),
      });
      logger.info('import record handled', { key: record.s3.object.key, outcome: outcome.kind, ...('job' in outcome && outcome.job ? { import_id: outcome.job.import_id, status: outcome.job.status } : {}) });
      outcomes.push(outcome.kind);
    }
  } finally {
    publishMetrics();
  }
  return { outcomes };
};
