import { createHash } from 'node:crypto';

/**
 * SHA-256 of the body in canonical JSON (object keys sorted, array order kept): a retry that
 * serialises the same body with its keys in another order is still the same request.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The stored idempotency key: the caller's subject and their key, hashed (bounded size, no raw key at rest). */
export function idempotencyScope(subject: string, key: string): string {
  return createHash('sha256').update(`${subject}\u0000${key}`).digest('base64url');
}
