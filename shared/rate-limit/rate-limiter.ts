import type { Logger } from '@aws-lambda-powertools/logger';
import { errorSummary } from '../powertools/error-summary.js';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { CircuitBreaker } from '../cache/circuit-breaker.js';
import { logger as powertoolsLogger } from '../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../powertools/metrics.js';
import { type RuleQuery, ruleMatcher } from './match-rule.js';
import type { RateLimitIdentity } from './rate-limit-identity.js';
import type { RateLimitRule } from './rate-limit-rules.js';
import type { TokenBucketStore } from './token-bucket-store.js';

/** Key prefix when `RATE_LIMIT_KEY_PREFIX` is unset. */
export const DEFAULT_RATE_LIMIT_PREFIX = 'records:rl:';

export interface RateLimiterOptions {
  /** Starts every bucket key: `<prefix><rule>:<identity kind>:<identity>`. */
  prefix: string;
  /** How long the store is skipped (requests allowed unchecked) after it failed. @default 15_000 */
  breakerOpenMs?: number;
  logger?: Pick<Logger, 'warn'>;
  metrics?: Pick<Metrics, 'addMetric'>;
  now?: () => number;
}

/** What the limiter decided for one request, in the units of the response headers. */
export interface RateLimitDecision {
  rule: string;
  allowed: boolean;
  /** The bucket's capacity (the rule's burst). */
  limit: number;
  remaining: number;
  /** Whole seconds until the bucket is full again. */
  resetSeconds: number;
  /** Whole seconds until the next request may pass; 0 when this one passed. */
  retryAfterSeconds: number;
}

export interface RateLimitRequest extends Omit<RuleQuery, 'identity'> {
  identity: RateLimitIdentity;
}

/**
 * Decides per request whether the caller's bucket has a token, by the first rule matching the
 * request; refusals are counted (`RateLimited`). It fails open: when the store errors or is slow (the Redis client's 50 ms command
 * timeout) the request is allowed unchecked and counted (`RateLimitFailOpen`), and a circuit
 * breaker skips the store for `breakerOpenMs`, with one warning per opening. An outage of
 * the limiter must not become an outage of the API; API Gateway's stage throttling still holds.
 */
export class RateLimiter {
  private readonly match: (query: RuleQuery) => RateLimitRule | undefined;
  private readonly breaker: CircuitBreaker;
  private readonly prefix: string;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly metrics: Pick<Metrics, 'addMetric'>;

  constructor(
    private readonly store: TokenBucketStore,
    rules: readonly RateLimitRule[],
    options: RateLimiterOptions,
  ) {
    this.match = ruleMatcher(rules);
    this.breaker = new CircuitBreaker(options.breakerOpenMs ?? 15_000, options.now);
    this.prefix = options.prefix;
    this.logger = options.logger ?? powertoolsLogger;
    this.metrics = options.metrics ?? powertoolsMetrics;
  }

  /** The decision for `request`; undefined when no rule applies or the store failed (allowed). */
  async check(request: RateLimitRequest): Promise<RateLimitDecision | undefined> {
    const { identity } = request;
    const rule = this.match({ ...request, identity: identity.kind });
    if (!rule) return undefined;
    if (!this.breaker.allows()) return this.failOpen();
    try {
      const key = `${this.prefix}${rule.id}:${identity.kind}:${identity.value}`;
      const taken = await this.store.take(key, { capacity: rule.burst, refillPerSecond: rule.perMinute / 60 });
      if (!taken.allowed) this.metrics.addMetric('RateLimited', MetricUnit.Count, 1);
      return {
        rule: rule.id,
        allowed: taken.allowed,
        limit: rule.burst,
        remaining: taken.remaining,
        resetSeconds: Math.ceil(taken.msUntilFull / 1000),
        retryAfterSeconds: taken.allowed ? 0 : Math.max(1, Math.ceil(taken.msUntilNextToken / 1000)),
      };
    } catch (error) {
      if (this.breaker.fail()) {
        this.logger.warn('Rate limiter unavailable: requests pass unchecked until it answers again', {
          retryInMs: this.breaker.openMs,
          error: errorSummary(error),
        });
      }
      return this.failOpen();
    }
  }

  private failOpen(): undefined {
    this.metrics.addMetric('RateLimitFailOpen', MetricUnit.Count, 1);
    return undefined;
  }
}
