import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { fullJitterDelay } from '../../resilience/full-jitter.js';
import { countRetry, currentBudget } from '../../runtime/request-budget.js';

/** The SDK's retry strategy interface (v2: tokens), without naming a transitive package. */
type RetryStrategyV2 = Extract<NonNullable<DynamoDBClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export interface BudgetedRetryOptions {
  /** Attempts per call, the first included. @default 5 (four retries) */
  maxAttempts?: number;
  /** Ceiling of the first retry's wait; doubled per retry (200, 400, 800, 1600 ms). @default 200 */
  baseMs?: number;
  /** @default 1600 */
  capMs?: number;
  /** A retry is made only if this much budget is left after its wait. @default 100 */
  minAttemptMs?: number;
  /** Milliseconds left in the request's budget; undefined outside a request. @default the current budget */
  remainingMs?: () => number | undefined;
  /** Called for each retry granted. @default counts it on the request (`X-Retry-Count`) */
  onRetry?: () => void;
  /** @default Math.random */
  random?: () => number;
}

/** What the SDK classifies as worth another try: throttling, 5xx, timeouts, reset sockets. */
const RETRYABLE = new Set<RetryErrorInfo['errorType']>(['THROTTLING', 'TRANSIENT']);

const token = (retries: number, delay: number): RetryToken => ({ getRetryCount: () => retries, getRetryDelay: () => delay });

function budgetLeft(): number | undefined {
  const budget = currentBudget();
  return budget ? budget.deadline - Date.now() : undefined;
}

/**
 * The SDK's retry hook (`retryStrategy`), so every command of the client gets it with no loop
 * of ours: full-jitter exponential backoff (a random wait under 200, 400, 800, 1600 ms), and
 * no retry whose wait would leave the request less than `minAttemptMs` of its budget — the
 * last error is then what the call throws, mapped to 503/504 by `translateDynamoError`. The
 * SDK's retry middleware sleeps the token's delay, aborted with the request's budget signal.
 * Unlike the SDK's standard strategy there is no client-wide retry quota: the DynamoDB
 * circuit breaker stops retry storms instead (`dynamodb-circuit.ts`).
 */
export class BudgetedRetryStrategy implements RetryStrategyV2 {
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly minAttemptMs: number;
  private readonly remainingMs: () => number | undefined;
  private readonly onRetry: () => void;
  private readonly random: () => number;

  constructor(options: BudgetedRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoff = { baseMs: options.baseMs ?? 200, capMs: options.capMs ?? 1_600 };
    this.minAttemptMs = options.minAttemptMs ?? 100;
    this.remainingMs = options.remainingMs ?? budgetLeft;
    this.onRetry = options.onRetry ?? countRetry;
    this.random = options.random ?? Math.random;
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = previous.getRetryCount() + 1;
    if (!RETRYABLE.has(info.errorType)) throw new Error(`not retried: ${info.errorType}`);
    if (retry >= this.maxAttempts) throw new Error(`not retried: ${this.maxAttempts} attempts made`);
    const delay = fullJitterDelay(retry, this.backoff, this.random);
    const left = this.remainingMs();
    if (left !== undefined && left - delay < this.minAttemptMs) throw new Error(`not retried: ${Math.round(left)} ms of budget left`);
    this.onRetry();
    return token(retry, delay);
  }

  recordSuccess(): void {}
}
