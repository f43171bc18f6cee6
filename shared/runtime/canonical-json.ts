/**
 * JSON with object keys sorted at every level; `undefined` members are dropped as JSON does.
 * Equal values give equal text whatever their key order (cache query keys, idempotency hashes).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === 'object' && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}
