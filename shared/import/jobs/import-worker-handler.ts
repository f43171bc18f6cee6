import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Entity } from '../../entity/define-entity.js';
import { errorSummary } from '../../powertools/error-summary.js';
import { logger } from '../../powertools/logger.js';
import { publishMetrics } from '../../powertools/metrics.js';
import { handleChunkMessage } from './handle-chunk-message.js';
import { chunkMessageSchema } from './import-chunk.js';
import { importJobContainer } from './import-job-container.js';

/**
 * The `import-worker` Lambda: the `import-chunks` queue's consumer. Each record is one chunk
 * message; a record that fails (DynamoDB throttled, out of time — checkpointed) is reported in
 * `batchItemFailures` and redelivered after the visibility timeout, resuming at its checkpoint;
 * after `maxReceiveCount` receives it moves to the DLQ (alarmed), from where a redrive resumes it.
 */
export function importWorkerHandler(entities: readonly Entity[]) {
  return async function handleChunkBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const container = importJobContainer(entities);
    if (!container.fanOut) throw new Error('import-worker: IMPORT_CHUNKS_QUEUE_URL is not set');
    const { chunks, queue } = container.fanOut;
    const s3 = await container.s3();
    logger.addContext(context);
    const processRecord = async (record: SQSRecord) => {
      const parsed = chunkMessageSchema.safeParse(safeJson(record.body));
      if (!parsed.success) {
        logger.error('malformed chunk message: refused until SQS moves it to the DLQ', {
          message_id: record.messageId,
          receive_count: record.attributes.ApproximateReceiveCount,
        });
        throw new Error('malformed chunk message');
      }
      try {
        const outcome = await handleChunkMessage(parsed.data, {
          jobs: container.jobs,
          chunks,
          queue,
          s3,
          entities,
          sink: container.sink,
          owner: context.awsRequestId,
          remainingMs: () => context.getRemainingTimeInMillis(),
        });
        logger.info('import chunk handled', {
          ...parsed.data,
          outcome: outcome.kind,
          ...(outcome.kind === 'forwarded' && outcome.finished ? { job_status: outcome.finished.status } : {}),
        });
      } catch (error) {
        logger.error('import chunk failed; SQS redelivers it and the chunk resumes from its checkpoint', {
          ...parsed.data,
          error: errorSummary(error),
          receive_count: record.attributes.ApproximateReceiveCount,
        });
        throw error;
      }
    };
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context,
        processInParallel: false,
        throwOnFullBatchFailure: false,
      });
    } finally {
      publishMetrics();
    }
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
