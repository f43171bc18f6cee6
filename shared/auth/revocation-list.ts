/**
 * Revoked credentials until they would have expired anyway. Keys are opaque handles: a JWT's
 * `jti`, or `api-key:<key id>` for a deleted API key still sitting in authorizer caches.
 */
export interface RevocationList {
  /**
   * Whether `handle` is revoked. Implementations fail OPEN: when the list cannot be read in
   * time they answer false (and report it), so an outage of the list does not lock everyone
   * out; the README states the trade-off.
   */
  isRevoked(handle: string): Promise<boolean>;
  /** Revokes `handle` until `expiresAt` (epoch seconds); throws when that cannot be recorded. */
  revoke(handle: string, expiresAt: number): Promise<void>;
}

/** The revocation handle of an API key. */
export const apiKeyHandle = (keyId: string) => `api-key:${keyId}`;
