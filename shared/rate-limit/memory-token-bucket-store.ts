import type { TokenBucket, TokenBucketStore, TokenBucketTake } from './token-bucket-store.js';

/** Buckets kept per container at most; the least recently used is dropped (a full bucket again). */
export const MAX_LOCAL_BUCKETS = 10_000;

/**
 * Token buckets in this container's memory, the same arithmetic as the Redis script: the
 * limiter's fallback while Redis cannot answer. Bounded (LRU), synchronous, never fails.
 */
export class MemoryTokenBucketStore implements TokenBucketStore {
  private readonly buckets = new Map<string, { tokens: number; ts: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxBuckets = MAX_LOCAL_BUCKETS,
  ) {}

  async take(key: string, bucket: TokenBucket): Promise<TokenBucketTake> {
    return this.takeNow(key, bucket);
  }

  /** The same as `take`, without a promise: the limiter's fallback must not wait. */
  takeNow(key: string, { capacity, refillPerSecond }: TokenBucket): TokenBucketTake {
    const now = this.now();
    const perMs = refillPerSecond / 1000;
    const state = this.buckets.get(key);
    let tokens = state ? Math.min(capacity, state.tokens + Math.max(0, now - state.ts) * perMs) : capacity;
    let allowed = false;
    let msUntilNextToken = 0;
    if (tokens >= 1) {
      tokens -= 1;
      allowed = true;
    } else {
      msUntilNextToken = Math.ceil((1 - tokens) / perMs);
    }
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, ts: now });
    if (this.buckets.size > this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value as string);
    return { allowed, remaining: Math.floor(tokens), msUntilFull: Math.max(1, Math.ceil((capacity - tokens) / perMs)), msUntilNextToken };
  }

  get size(): number {
    return this.buckets.size;
  }
}
