/**
 * A DynamoDB stream drained by one Lambda through an event source mapping (the outbox
 * publisher). CDK and the local run build the mapping from this declaration.
 */
export interface StreamSourceDeclaration {
  /** Id of the table (its TableDesign) whose stream is read; the table needs a stream. */
  table: string;
  /** Id of the Lambda the mapping invokes. */
  consumer: string;
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  batchSize: number;
  maximumBatchingWindowSeconds?: number;
  /** Halve a batch whose invocation threw, to isolate a poison record. */
  bisectBatchOnFunctionError?: boolean;
  /** -1 retries until success (nothing skipped: the outbox must not lose an event). */
  maximumRetryAttempts: number;
}

/** Every stream mapping of the platform. */
export const streamSources: readonly StreamSourceDeclaration[] = [
  // Transactional outbox: committed outbox rows → PutEvents. A reported failure makes the mapping
  // retry from the lowest failed sequence number, so rows after it are published again:
  // at-least-once, consumers dedupe on the envelope id.
  {
    table: 'outbox',
    consumer: 'outbox-publisher',
    startingPosition: 'TRIM_HORIZON',
    batchSize: 100,
    maximumBatchingWindowSeconds: 1,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: -1,
  },
];
