import { createHash } from 'node:crypto';
import { canonicalJson } from '../runtime/canonical-json.js';

/**
 * SHA-256 of the body in canonical JSON (object keys sorted, array order kept): a retry that
 * serialises the same body with its keys in another order is still the same request.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

/** The stored idempotency key: the caller's subject and their key, hashed (bounded size, no raw key at rest). */
export function idempotencyScope(subject: string, key: string): string {
  return createHash('sha256').update(`${subject}\u0000${key}`).digest('base64url');
}
