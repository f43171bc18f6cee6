import { createHash } from 'node:crypto';

/** Longest filter value indexed as is; DynamoDB caps partition keys at 2,048 bytes. */
const MAX_FILTER_VALUE_BYTES = 512;

/**
 * How a filter value is matched: trimmed, NFKC, case-folded; empty means none. A value that
 * normalisation made very long becomes its first 100 code points plus a SHA-256 of the
 * whole, so matching stays exact and an index key built from it stays within DynamoDB's limit.
 */
export function filterValue(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().normalize('NFKC').toLowerCase();
  if (value === '') return undefined;
  if (Buffer.byteLength(value) <= MAX_FILTER_VALUE_BYTES) return value;
  return `${Array.from(value).slice(0, 100).join('')}#${createHash('sha256').update(value).digest('hex')}`;
}
