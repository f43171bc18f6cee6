import type { Logger } from '@aws-lambda-powertools/logger';
import { errorSummary } from '../powertools/error-summary.js';
import { emitMetric, type MetricSink } from '../observability/emit-metric.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { logger as powertoolsLogger } from '../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../powertools/metrics.js';
import { type RuleQuery, ruleMatcher } from './match-rule.js';
import type { RateLimitIdentity } from './rate-limit-identity.js';
import type { RateLimitRule } from './rate-limit-rules.js';
import { MemoryTokenBucketStore } from './memory-token-bucket-store.js';
import type { TokenBucketStore, TokenBucketTake } from './token-bucket-store.js';

/** Key prefix when `RATE_LIMIT_KEY_PREFIX` is unset. */
export const DEFAULT_RATE_LIMIT_PREFIX = 'records:rl:';

/** Containers assumed to share a limit when Redis is unavailable, unless `RATE_LIMIT_LOCAL_SHARE` says otherwise. */
export const DEFAULT_LOCAL_SHARE = 2;

export interface RateLimiterOptions {
  /** Starts every bucket key: `<prefix><rule>:<identity kind>:<identity>`. */
  prefix: string;
  /** How long the store is skipped (requests limited locally) after it failed. @default 15_000 */
  breakerOpenMs?: number;
  /**
   * While the store is unavailable each container limits alone, with `1/localShare` of each
   * rule (burst and rate): roughly the limit when about that many containers serve a caller.
   * @default DEFAULT_LOCAL_SHARE
   */
  localShare?: number;
  logger?: Pick<Logger, 'warn'>;
  metrics?: MetricSink;
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
  /** Decided by this container alone (Redis unavailable): an approximation of the shared limit. */
  local?: true;
}

export interface RateLimitRequest extends Omit<RuleQuery, 'identity'> {
  identity: RateLimitIdentity;
}

/**
 * Decides per request whether the caller's bucket has a token, by the first rule matching the
 * request; refusals are counted (`RateLimited`). When the shared store errors or is slow (the
 * Redis client's 50 ms command timeout) it does NOT let requests pass unchecked: it limits in
 * this container's memory with a `localShare` of each rule (approximate: the true limit is
 * the share times the containers serving the caller), counted per request
 * (`RateLimitLocalFallback`), and a circuit breaker skips the store for `breakerOpenMs`, with
 * one warning per opening. No traffic of one caller can switch limiting off for another.
 */
export class RateLimiter {
  private readonly match: (query: RuleQuery) => RateLimitRule | undefined;
  private readonly breaker: CircuitBreaker;
  private readonly prefix: string;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly metrics: MetricSink;
  private readonly local: MemoryTokenBucketStore;
  private readonly localShare: number;

  constructor(
    private readonly store: TokenBucketStore,
    rules: readonly RateLimitRule[],
    options: RateLimiterOptions,
  ) {
    this.match = ruleMatcher(rules);
    this.breaker = new CircuitBreaker({ dependency: 'rateLimit', openMs: options.breakerOpenMs ?? 15_000, now: options.now });
    this.prefix = options.prefix;
    this.logger = options.logger ?? powertoolsLogger;
    this.metrics = options.metrics ?? powertoolsMetrics;
    this.local = new MemoryTokenBucketStore(options.now);
    this.localShare = options.localShare ?? DEFAULT_LOCAL_SHARE;
    if (!(this.localShare >= 1)) throw new Error(`the local share of a rate limit must be at least 1, got ${this.localShare}`);
  }

  /** The decision for `request`; undefined when no rule applies. */
  async check(request: RateLimitRequest): Promise<RateLimitDecision | undefined> {
    const { identity } = request;
    const rule = this.match({ ...request, identity: identity.kind });
    if (!rule) return undefined;
    const key = `${this.prefix}${rule.id}:${identity.kind}:${identity.value}`;
    if (!this.breaker.allows()) return this.checkLocally(rule, key);
    try {
      const taken = await this.store.take(key, { capacity: rule.burst, refillPerSecond: rule.perMinute / 60 });
      this.breaker.succeed();
      return this.decide(rule, rule.burst, taken);
    } catch (error) {
      if (this.breaker.fail()) {
        this.logger.warn('Rate limiter unavailable: limiting in each container until it answers again', {
          retryInMs: this.breaker.openMs,
          localShare: this.localShare,
          error: errorSummary(error),
        });
        emitMetric(this.metrics, 'CircuitOpen', { dependency: 'rateLimit' });
      }
      return this.checkLocally(rule, key);
    }
  }

  /** This container's share of the rule, from its own memory. */
  private checkLocally(rule: RateLimitRule, key: string): RateLimitDecision {
    emitMetric(this.metrics, 'RateLimitLocalFallback');
    const capacity = Math.max(1, Math.floor(rule.burst / this.localShare));
    const taken = this.local.takeNow(key, { capacity, refillPerSecond: rule.perMinute / 60 / this.localShare });
    return { ...this.decide(rule, capacity, taken), local: true };
  }

  private decide(rule: RateLimitRule, limit: number, taken: TokenBucketTake): RateLimitDecision {
    if (!taken.allowed) emitMetric(this.metrics, 'RateLimited');
    return {
      rule: rule.id,
      allowed: taken.allowed,
      limit,
      remaining: taken.remaining,
      resetSeconds: Math.ceil(taken.msUntilFull / 1000),
      retryAfterSeconds: taken.allowed ? 0 : Math.max(1, Math.ceil(taken.msUntilNextToken / 1000)),
    };
  }
}
