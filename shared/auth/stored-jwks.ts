import { createLocalJWKSet, errors, type FlattenedJWSInput, type JWSHeaderParameters, type JWTVerifyGetKey } from 'jose';
import { parseJwks } from './jwks-document.js';
import type { JwksStore } from './jwks-store.js';

export interface StoredJwksOptions {
  /** How long a container trusts the key set it read before reading it again. @default 5 min */
  maxAgeMs?: number;
  /** Minimum time between two reads caused by an unknown `kid`. @default 30 s */
  kidMissCooldownMs?: number;
  now?: () => number;
  /** Told when a read fails or the stored text is invalid while a last good key set is kept. */
  onStale?: (error: unknown) => void;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

/**
 * A key lookup over the JWKS the copier stores (shared/auth/jwks-copy.ts): read once per
 * container, again after `maxAgeMs`, and once more (at most every `kidMissCooldownMs`) when a
 * token names a `kid` the cached set does not have, which is how a rotated key arrives before
 * the cache expires. A failed read or an invalid stored text keeps the last good key set; with
 * none yet the lookup throws a plain error, which the verifier reports as unavailable (503).
 */
export function storedJwks(store: JwksStore, options: StoredJwksOptions = {}): JWTVerifyGetKey {
  const maxAge = options.maxAgeMs ?? 5 * 60_000;
  const cooldown = options.kidMissCooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let current: { keys: KeySet; readAt: number } | undefined;
  let lastKidMissRead = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<KeySet> | undefined;

  const load = (): Promise<KeySet> =>
    (inFlight ??= (async () => {
      try {
        const text = await store.read();
        if (text === undefined) throw new Error('the JWKS has not been copied yet');
        const keys = createLocalJWKSet(parseJwks(text));
        current = { keys, readAt: now() };
        return keys;
      } catch (error) {
        if (!current) throw error;
        options.onStale?.(error);
        // Keep the last good set, and wait a full max age before the next read.
        current = { keys: current.keys, readAt: now() };
        return current.keys;
      } finally {
        inFlight = undefined;
      }
    })());

  return async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    const keys = current && now() - current.readAt < maxAge ? current.keys : await load();
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - lastKidMissRead < cooldown) throw error;
      lastKidMissRead = now();
      return (await load())(header, token);
    }
  };
}
