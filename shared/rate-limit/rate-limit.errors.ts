import { TooManyRequestsError } from '../errors/app-error.js';

/** The caller's bucket for this kind of request is empty (429, `Retry-After`). */
export class RateLimitedError extends TooManyRequestsError {
  constructor(rule: string, limit: number, retryAfterSeconds: number) {
    super('rate.limited', `Too many requests; retry after ${retryAfterSeconds} s.`, retryAfterSeconds, { rule, limit });
  }
}
