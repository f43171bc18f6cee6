/**
 * Skips a failing dependency for `openMs` after a failure, then lets calls try again
 * (half-open); the next failure opens it again. `fail()` says whether this failure is the
 * one that opened it, so callers log and count once per opening, not once per request.
 */
export class CircuitBreaker {
  private openUntil = 0;

  constructor(
    readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** May the dependency be called now? */
  allows(): boolean {
    return this.now() >= this.openUntil;
  }

  /** Records a failure; true when it opened the breaker (it was closed or half-open). */
  fail(): boolean {
    const opened = this.allows();
    this.openUntil = this.now() + this.openMs;
    return opened;
  }
}
