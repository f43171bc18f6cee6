import { trackCircuit } from './circuit-registry.js';

/** What `/health` and the logs say about a breaker. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Names the breaker in `/health` and in the `CircuitOpen` metric (`dynamodb`, `cache`, …). */
  dependency: string;
  /** How long an opened breaker skips the dependency, in ms. */
  openMs: number;
  /** Failures within `windowMs` that open it. @default 1 (the first failure) */
  failureThreshold?: number;
  /** A run of failures older than this starts counting again, in ms. @default unbounded */
  windowMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The one circuit breaker of the platform, for every dependency (DynamoDB, the Redis-backed
 * cache, rate limiter and request metrics, the payment gateway). Closed: calls go through and
 * failures are counted; `failureThreshold` failures within `windowMs` open it. Open: calls
 * are skipped for `openMs`. Half-open: calls try again; the first failure opens it at once,
 * the first success (`succeed()`) closes it. `fail()` says whether this failure is the one
 * that opened it, so callers log and count once per opening, not once per request.
 */
export class CircuitBreaker {
  readonly dependency: string;
  readonly openMs: number;
  readonly failureThreshold: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private openUntil = 0;
  private failures = 0;
  private firstFailureAt = 0;
  private trial = false;

  constructor(options: CircuitBreakerOptions) {
    this.dependency = options.dependency;
    this.openMs = options.openMs;
    this.failureThreshold = options.failureThreshold ?? 1;
    this.windowMs = options.windowMs ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
    trackCircuit(this);
  }

  /** May the dependency be called now? */
  allows(): boolean {
    return this.now() >= this.openUntil;
  }

  /** Closed, open, or half-open (its open period is over and no call has worked since). */
  state(): CircuitState {
    if (!this.allows()) return 'open';
    return this.trial ? 'half-open' : 'closed';
  }

  /** Milliseconds until an open breaker lets calls try again (0 when it allows them). */
  retryInMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  /** Records a failure; true when it opened the breaker (it was closed or half-open). */
  fail(): boolean {
    const now = this.now();
    const opened = this.allows();
    if (this.failures === 0 || now - this.firstFailureAt > this.windowMs) {
      this.failures = 0;
      this.firstFailureAt = now;
    }
    this.failures += 1;
    // A failed trial (half-open) opens it again at once, not after N more.
    if (!this.trial && this.failures < this.failureThreshold) return false;
    this.openUntil = now + this.openMs;
    this.trial = true;
    return opened;
  }

  /** Records a call that worked: closed, and the failure count starts again from zero. */
  succeed(): void {
    this.failures = 0;
    this.trial = false;
  }
}
