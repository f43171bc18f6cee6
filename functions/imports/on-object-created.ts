/** S3 ObjectCreated under imports/{entity}/ → one import job per object (created, resumed or skipped). */
import type { Context, S3Event } from 'aws-lambda';
import { handleObjectCreated } from '../../shared/import/jobs/handle-object-created.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { annotateTrace } from '../../shared/observability/trace-annotations.js';
import { traced } from '../../shared/observability/traced.js';
import { logger } from '../../shared/powertools/logger.js';
import { publishMetrics } from '../../shared/powertools/metrics.js';
import { entities } from '../../shared/registry.js';

export const handler = async (event: S3Event, context: Context) => {
  const container = importJobContainer(entities);
  const s3 = await container.s3();
  const outcomes = [];
  // The import metrics (rows, errors, duration, failures) are written even when a record throws.
  try {
    for (const record of event.Records) {
      // One subsegment per object, annotated with its import id once the job is known.
      const outcome = await traced('### import', { entity: 'imports', operation: 'object-created' }, async () => {
        const handled = await handleObjectCreated(record, {
          jobs: container.jobs,
          s3,
          entities,
          sink: container.sink,
          fanOut: container.fanOut,
          owner: context.awsRequestId,
          remainingMs: () => context.getRemainingTimeInMillis(),
          log: (message, details) => logger.warn(message, details ?? {}),
        });
        if ('job' in handled && handled.job) annotateTrace({ import_id: handled.job.import_id });
        return handled;
      });
      logger.info('import record handled', {
        key: record.s3.object.key,
        outcome: outcome.kind,
        ...('job' in outcome && outcome.job ? { import_id: outcome.job.import_id, status: outcome.job.status } : {}),
      });
      outcomes.push(outcome.kind);
    }
  } finally {
    publishMetrics();
  }
  return { outcomes };
};
