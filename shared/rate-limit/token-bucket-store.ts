/** A bucket's shape: at most `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface TokenBucket {
  capacity: number;
  refillPerSecond: number;
}

/** The outcome of taking one token, decided atomically by the store. */
export interface TokenBucketTake {
  allowed: boolean;
  /** Whole tokens left after this take. */
  remaining: number;
  /** Until the bucket is full again (no request in between). */
  msUntilFull: number;
  /** Until the next token, when this take was refused; 0 when allowed. */
  msUntilNextToken: number;
}

/** Where buckets live: shared by every container, so a limit holds across all of them. */
export interface TokenBucketStore {
  /** Refills the bucket at `key` for the time elapsed, then takes one token if there is one. */
  take(key: string, bucket: TokenBucket): Promise<TokenBucketTake>;
}
