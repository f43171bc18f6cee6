import type { RevocationList } from './revocation-list.js';
import { VerificationCache } from './verification-cache.js';

/**
 * How long an answer is reused inside one container (`AUTH_REVOCATION_CACHE_MS`): a burst
 * with one credential costs one read per second per container, and a revocation reaches
 * every container within this long.
 */
export const REVOCATION_CACHE_MS = 1_000;

/**
 * A short in-container cache in front of the durable revocation list: a burst of requests
 * with one credential costs one read per `ttlMs`, not one per request. "Revoked" answers are
 * kept as long (revocations are rare and never undone); a revocation made through this
 * container is known here at once, in other containers within `ttlMs`. Failed checks are not
 * cached: they reject, and the next request asks again.
 */
export class CachedRevocationList implements RevocationList {
  private readonly answers: VerificationCache<boolean>;
  /** One read in flight per handle: concurrent requests share it. */
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly durable: RevocationList,
    private readonly ttlMs = REVOCATION_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.answers = new VerificationCache<boolean>(10_000, now);
  }

  async isRevoked(handle: string): Promise<boolean> {
    const cached = this.answers.get(handle);
    if (cached !== undefined) return cached;
    let read = this.pending.get(handle);
    if (!read) {
      read = this.durable.isRevoked(handle).finally(() => this.pending.delete(handle));
      this.pending.set(handle, read);
    }
    const revoked = await read;
    this.answers.set(handle, revoked, this.now() + this.ttlMs);
    return revoked;
  }

  async revoke(handle: string, expiresAt: number): Promise<void> {
    await this.durable.revoke(handle, expiresAt);
    this.answers.set(handle, true, Math.max(this.now() + this.ttlMs, expiresAt * 1000));
  }
}
