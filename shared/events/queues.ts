/**
 * A standard SQS queue fed by an EventBridge rule (or a producer) and drained by one Lambda
 * through an event source mapping, with its dead-letter queue. CDK and the local run both
 * build queues, DLQs and mappings from these declarations: nothing is spelled twice.
 */
export interface QueueDeclaration {
  /** Queue name; its DLQ is `${name}-dlq` (see {@link dlqName}). */
  name: string;
  /** Id of the Lambda the mapping invokes. @default name */
  consumer?: string;
  /** Seconds a received message stays invisible; ≥ 6× the consumer's timeout (AWS guidance). */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  /** Event source mapping: records per invocation (1–10, more needs a batching window). */
  batchSize: number;
  /** Event source mapping: seconds to gather a batch before invoking. @default 0 */
  maximumBatchingWindowSeconds?: number;
  /** Event source mapping: concurrent invocations (Lambda's MaximumConcurrency, ≥ 2). @default 2 */
  maximumConcurrency?: number;
  /** Seconds a message is kept. @default 345600 (4 days; DLQs keep 14 days) */
  retentionSeconds?: number;
}

/** The dead-letter queue of a declared queue. */
export function dlqName(queue: Pick<QueueDeclaration, 'name'>): string {
  return `${queue.name}-dlq`;
}

/** The Lambda id a queue's event source mapping invokes. */
export function consumerOf(queue: Pick<QueueDeclaration, 'name' | 'consumer'>): string {
  return queue.consumer ?? queue.name;
}

/** DLQs keep messages for the maximum, so a poisoned message outlives a long weekend. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

/** Saga consumers: each gets its events through rule → queue → Lambda (partial batch failures). */
const sagaConsumer = (name: string): QueueDeclaration => ({
  name,
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 3,
  batchSize: 10,
  maximumBatchingWindowSeconds: 0,
});

/** Every queue of the platform. */
export const queues: readonly QueueDeclaration[] = [
  sagaConsumer('inventory-reserve'),
  sagaConsumer('payment-process'),
  sagaConsumer('order-finalize'),
  sagaConsumer('inventory-release'),
  sagaConsumer('order-status-projector'),
  sagaConsumer('notification-send'),
  // Bulk import fan-out: one message per chunk; a chunk can take minutes. Concurrency 10 = two
  // students jobs at their fan-out width of 5 (shared/import/jobs/fan-out.ts).
  { name: 'import-chunks', consumer: 'import-worker', visibilityTimeoutSeconds: 900, maxReceiveCount: 3, batchSize: 1, maximumConcurrency: 10 },
];

/** The declaration of one queue; a typo'd name fails at startup, not when a message is sent. */
export function queueDeclaration(name: string): QueueDeclaration {
  const found = queues.find((queue) => queue.name === name);
  if (!found) throw new Error(`no queue '${name}' declared in shared/events/queues.ts`);
  return found;
}

/** Env var holding a queue's URL for producers (`import-chunks` → `IMPORT_CHUNKS_QUEUE_URL`). */
export function queueUrlEnvVar(queue: Pick<QueueDeclaration, 'name'>): string {
  return `${queue.name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_QUEUE_URL`;
}
