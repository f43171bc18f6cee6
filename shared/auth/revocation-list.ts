/**
 * Revoked credentials until they would have expired anyway. Keys are opaque handles: a JWT's
 * `jti`, or `api-key:<key id>` for a deleted API key still sitting in authorizer caches.
 */
export interface RevocationList {
  /**
   * Whether `handle` is revoked. REJECTS when that cannot be told in time (the record of
   * truth is unreachable or slow): the caller decides what an unchecked credential may do
   * (the platform: reads fail open, writes and admin operations fail closed).
   */
  isRevoked(handle: string): Promise<boolean>;
  /**
   * Revokes `handle` until `expiresAt` (epoch seconds), capped at the longest token lifetime
   * from now; throws when that cannot be recorded.
   */
  revoke(handle: string, expiresAt: number): Promise<void>;
}

/** The revocation handle of an API key. */
export const apiKeyHandle = (keyId: string) => `api-key:${keyId}`;
