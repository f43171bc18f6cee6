import type { SortField } from './define-entity.js';

/**
 * Sort-key encoders. DynamoDB orders string sort keys by UTF-8 bytes, so each encoder
 * turns a field of the response view into a string whose byte order is the order the API
 * promises. Items without a value still need a key (or they would vanish from the list):
 * they get NULL_KEY, which sorts after every real value.
 */
export const NULL_KEY = '\u{10FFFD}';

type View = Record<string, unknown>;

/**
 * DynamoDB caps a sort key at 1,024 bytes. Normalisation can multiply a name's length
 * (ﷺ → 18 letters), so keys keep their first 200 code points (≤ 800 bytes): enough to order
 * any real name; longer ones tie and fall back to key order.
 */
const MAX_SORT_KEY_CODE_POINTS = 200;

function capped(value: string): string {
  const points = Array.from(value);
  return points.length <= MAX_SORT_KEY_CODE_POINTS ? value : points.slice(0, MAX_SORT_KEY_CODE_POINTS).join('');
}

/** Lower-case, accents removed (NFKD minus combining marks; đ has no decomposition). */
export function foldText(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'd');
}

export const sortBy = {
  /** Byte order of the value itself (ids, ISO timestamps). */
  exact(field: string): SortField {
    return { field, encode: (view: View) => (view[field] == null ? NULL_KEY : capped(String(view[field]))), prefix: (value) => capped(value) };
  },
  /** Case- and accent-insensitive text order ("Élodie" sorts with "elodie", not after "z"). */
  text(field: string): SortField {
    return {
      field,
      encode: (view: View) => (view[field] == null ? NULL_KEY : capped(foldText(String(view[field])))),
      // Folding a printable-ASCII prefix is lower-casing it, and a value starting with it folds
      // to a key starting with that; elsewhere folding depends on what follows (final sigma).
      prefix: (value) => (/^[\x20-\x7e]*$/.test(value) ? capped(value.toLowerCase()) : undefined),
    };
  },
  /** Non-negative decimals with a fixed number of fraction digits, zero-padded. */
  decimal(field: string, digits: number): SortField {
    return {
      field,
      encode: (view: View) => {
        const value = view[field];
        if (typeof value !== 'number') return NULL_KEY;
        return Math.round(value * 10 ** digits)
          .toString()
          .padStart(15, '0');
      },
    };
  },
};
