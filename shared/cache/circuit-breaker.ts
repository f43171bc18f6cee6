/**
 * Skips a failing dependency for `openMs` once `failureThreshold` consecutive failures were
 * recorded, then lets calls try again (half-open); a failure before the next `succeed()`
 * opens it again at once. `fail()` says whether this failure is the one that opened it, so
 * callers log and count once per opening, not once per request. The default threshold of 1
 * opens on the first failure (the cache and rate limiter, which never call `succeed()`).
 */
export class CircuitBreaker {
  private openUntil = 0;
  private consecutiveFailures = 0;

  constructor(
    readonly openMs: number,
    private readonly now: () => number = Date.now,
    readonly failureThreshold = 1,
  ) {}

  /** May the dependency be called now? */
  allows(): boolean {
    return this.now() >= this.openUntil;
  }

  /** Records a failure; true when it opened the breaker (it was closed or half-open). */
  fail(): boolean {
    const opened = this.allows();
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures < this.failureThreshold) return false;
    this.openUntil = this.now() + this.openMs;
    return opened;
  }

  /** Records a call that worked: the failure count starts again from zero. */
  succeed(): void {
    this.consecutiveFailures = 0;
  }
}
