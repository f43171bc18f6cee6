import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { fullJitter } from '../../resilience/full-jitter.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** Attempts of a transaction that only lost to a concurrent one, before a retryable 503. */
const TRANSACTION_ATTEMPTS = 6;
/** Retries wait up to 20, 40, 80 … ms. */
const CONFLICT_BACKOFF = { baseMs: 20 };

/**
 * TransactWriteItems within the request budget. A cancellation only because another
 * transaction touched the same items (TransactionConflict, no failed condition) is retried
 * with full-jitter backoff, then answered 503; anything else is the caller's to interpret.
 */
export async function transactWrite(client: DynamoDBDocumentClient, items: TransactItems): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }), budgetedCallOptions());
      return;
    } catch (error) {
      if (!isTransactionConflict(error)) throw error;
      if (attempt >= TRANSACTION_ATTEMPTS) throw new DependencyUnavailableError('DynamoDB', 1, { cause: error });
      await fullJitter(attempt, CONFLICT_BACKOFF);
    }
  }
}

/** The per-item cancellation reasons of a cancelled transaction; undefined for any other error. */
export function cancellationReasons(error: unknown): { Code?: string }[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
}

/** A transaction cancelled only because another transaction touched the same items. */
export function isTransactionConflict(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return !!reasons && reasons.some((reason) => reason.Code === 'TransactionConflict') && !reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}
