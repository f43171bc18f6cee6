import { BatchProcessor, EventType as BatchEventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventEnvelope, EventType } from '../../events/catalog.js';
import { ruleFor } from '../../events/rules.js';
import { queueDeclaration } from '../events/queues.js';
import { isSafeTraceId, restoreCorrelationId } from '../observability/correlation.js';
import { orderIdOf } from '../observability/trace-annotations.js';
import { traced } from '../observability/traced.js';
import { errorSummary } from '../powertools/error-summary.js';
import { logger } from '../powertools/logger.js';
import { consumedEvent, type ConsumedMessage } from './consumed-event.js';
import { PoisonMessageError } from './consumer.errors.js';
import { idempotencyPersistence } from './dynamodb/idempotency-persistence.js';

/** Keys a consumer's log lines carry while one record is processed. */
const RECORD_LOG_KEYS = ['correlation_id', 'event_id', 'event_type', 'message_id', 'receive_count'];

/**
 * Completed records outlive every copy SQS can still hold: a duplicate is absorbed for as long
 * as a saga queue retains messages (4 days, shared/events/queues.ts).
 */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 345_600;

export interface SqsConsumerOptions<Type extends EventType, Deps> {
  /** The consumer's name in events/rules.ts and shared/events/queues.ts; also its idempotency key prefix. */
  consumer: string;
  /** The event types it handles: a subset of its rule's types; anything else is poison. */
  events: readonly Type[];
  /** Builds the ports once per cold start (first invocation), from the environment. */
  setup: (env: NodeJS.ProcessEnv) => Deps;
  /**
   * The effect of one event, run at most once per envelope id (per consumer) while its
   * idempotency record lives. Its JSON result is stored and returned to duplicates. A throw
   * fails this record only: SQS redelivers it after the visibility timeout.
   */
  handle: (event: EventEnvelope<Type>, deps: Deps, message: ConsumedMessage) => Promise<unknown>;
  /** Idempotency persistence. @default the DynamoDB table of `IDEMPOTENCY_TABLE_NAME` */
  persistence?: (env: NodeJS.ProcessEnv) => BasePersistenceLayer;
  /** Seconds a completed record deduplicates. @default DEFAULT_IDEMPOTENCY_TTL_SECONDS */
  idempotencyTtlSeconds?: number;
}

/**
 * The Lambda handler of a saga consumer (rule → SQS → Lambda with ReportBatchItemFailures):
 * each record's body is the EventBridge event whose `detail` is the envelope. Per record:
 * validate (else poison), restore the envelope's correlation id onto the logger, run the
 * effect idempotently on the envelope id, and report failed records in `batchItemFailures`
 * so one bad message never fails its neighbours. Records are processed one after another:
 * the logger's correlation keys are per container, and a duplicate inside one batch then
 * finds the first copy COMPLETED instead of INPROGRESS (which would cost it a receive).
 */
export function sqsConsumer<Type extends EventType, Deps>(
  options: SqsConsumerOptions<Type, Deps>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const rule = ruleFor(options.consumer);
  const foreign = options.events.filter((type) => !rule.eventTypes.includes(type));
  if (foreign.length > 0) throw new Error(`${options.consumer}: its rule does not deliver ${foreign.join(', ')}`);
  const { maxReceiveCount } = queueDeclaration(rule.queue);
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'id', expiresAfterSeconds: options.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS });
  let run: ((event: EventEnvelope<Type>, message: ConsumedMessage) => Promise<unknown>) | undefined;

  function coldStart() {
    const deps = options.setup(process.env);
    const persistenceStore = (options.persistence ?? idempotencyPersistence)(process.env);
    const effect = (event: EventEnvelope<Type>, message: ConsumedMessage) => options.handle(event, deps, message);
    // The key is `<consumer>#md5(id)`: consumers that receive the same event keep separate records.
    return makeIdempotent(effect, { persistenceStore, config, keyPrefix: options.consumer });
  }

  async function consumeRecord(record: SQSRecord): Promise<unknown> {
    let parsed: ReturnType<typeof consumedEvent<Type>>;
    try {
      parsed = consumedEvent(record, options.events);
    } catch (error) {
      if (error instanceof PoisonMessageError) logPoison(error, record, maxReceiveCount);
      throw error;
    }
    const { envelope, message } = parsed;
    restoreCorrelationId(envelope);
    logger.appendKeys({ event_id: envelope.id, event_type: envelope.type, message_id: message.messageId, receive_count: message.receiveCount });
    try {
      // A subsegment per record, findable by order id in X-Ray; a throw is recorded on it.
      const annotations = { consumer: options.consumer, event_type: envelope.type, order_id: orderIdOf(envelope.data) };
      return await traced(`### ${options.consumer}`, annotations, () => run!(envelope, message));
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) {
        logger.warn('event is being handled by another invocation; retried after the visibility timeout');
      } else {
        logger.error('event handling failed; SQS will redeliver it', { error: errorSummary(error), final_receive: message.receiveCount >= maxReceiveCount });
      }
      throw error;
    } finally {
      logger.removeKeys(RECORD_LOG_KEYS);
    }
  }

  return async function handleSqsBatch(event, context) {
    run ??= coldStart();
    logger.addContext(context);
    config.registerLambdaContext(context);
    // A processor per invocation: it holds the batch's state, and nothing of it may outlive the batch.
    const processor = new BatchProcessor(BatchEventType.SQS);
    return processPartialResponse(event, consumeRecord, processor, { context, processInParallel: false, throwOnFullBatchFailure: false });
  };
}

/** One line per receive; the last receive says the message is on its way to the DLQ. */
function logPoison(error: PoisonMessageError, record: SQSRecord, maxReceiveCount: number): void {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
  logger.error(receiveCount >= maxReceiveCount ? 'poison message: moving to the DLQ' : 'poison message: refused until SQS moves it to the DLQ', {
    ...correlationHint(record),
    message_id: record.messageId,
    receive_count: receiveCount,
    max_receive_count: maxReceiveCount,
    problem: error.problem,
  });
}

/** The correlation id of a broken envelope when it still carries a safe one: the flow can be traced to its poison. */
function correlationHint(record: SQSRecord): { correlation_id?: string } {
  try {
    const id = (JSON.parse(record.body) as { detail?: { correlation_id?: unknown } } | null)?.detail?.correlation_id;
    return isSafeTraceId(id) ? { correlation_id: id } : {};
  } catch {
    return {};
  }
}
