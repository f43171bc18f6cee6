import type { RateLimitDecision } from './rate-limiter.js';

/**
 * `X-RateLimit-Limit` (bucket capacity = the rule's burst), `X-RateLimit-Remaining` (whole
 * tokens left) and `X-RateLimit-Reset` (seconds until the bucket is full again, i.e. until
 * Remaining is back at Limit). A refused request also gets `Retry-After` (seconds until the
 * next token) from the problem mapping.
 */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'x-ratelimit-limit': String(decision.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': String(decision.resetSeconds),
  };
}
