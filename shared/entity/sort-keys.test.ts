import { describe, expect, it } from 'vitest';
import { NULL_KEY, sortBy } from './sort-keys.js';

/** DynamoDB compares string sort keys by their UTF-8 bytes. */
const byteCompare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const sortedBy = (encode: (view: Record<string, unknown>) => string, values: unknown[]) =>
  [...values].sort((a, b) => byteCompare(encode({ f: a }), encode({ f: b })));

describe('sortBy.decimal', () => {
  const { encode } = sortBy.decimal('f', 2);

  it('orders numbers numerically, not lexically (9.5 before 10)', () => {
    expect(byteCompare(encode({ f: 9.5 }), encode({ f: 10 }))).toBeLessThan(0);
    expect(sortedBy(encode, [10, 9.5, 0, 1, 8.33, 8.34, 0.01, 2, 6.5, 6.49])).toEqual([0, 0.01, 1, 2, 6.49, 6.5, 8.33, 8.34, 9.5, 10]);
  });

  it('keeps two fraction digits and absorbs float noise', () => {
    expect(encode({ f: 8.33 })).not.toBe(encode({ f: 8.34 }));
    expect(encode({ f: 0.29 })).toBe(encode({ f: 0.29000000000000004 }));
  });

  it('puts missing values after every real one', () => {
    expect(encode({ f: null })).toBe(NULL_KEY);
    expect(encode({})).toBe(NULL_KEY);
    expect(sortedBy(encode, [null, 10, undefined, 0])).toEqual([0, 10, null, undefined]);
  });
});

describe('sortBy.text', () => {
  const { encode } = sortBy.text('f');

  it('is case-insensitive', () => {
    expect(encode({ f: 'ALICE' })).toBe(encode({ f: 'alice' }));
    expect(sortedBy(encode, ['bob', 'Alice', 'carol', 'Bea', 'adam'])).toEqual(['adam', 'Alice', 'Bea', 'bob', 'carol']);
  });

  it('normalises compatibility and composed forms (NFKC)', () => {
    expect(encode({ f: 'Ｅｍｍａ' })).toBe(encode({ f: 'emma' }));
    expect(encode({ f: 'E\u0301lodie' })).toBe(encode({ f: 'Élodie' }));
    expect(encode({ f: 'ĐẶNG' })).toBe(encode({ f: 'đặng' }));
  });

  it('puts missing values after every real one, however high its code point', () => {
    expect(sortedBy(encode, [null, 'Zoe', '\u{1F600} smile', 'Ỹ', '\uFFFD', 'an'])).toEqual(['an', 'Ỹ', 'Zoe', '\uFFFD', '\u{1F600} smile', null]);
  });
});

describe('sortBy.exact', () => {
  const { encode } = sortBy.exact('f');

  it('keeps byte order of the value (ids, ISO timestamps)', () => {
    expect(sortedBy(encode, ['S10', 'S2', 'A-1', 'S_1', 'S1'])).toEqual(['A-1', 'S1', 'S10', 'S2', 'S_1']);
    const times = ['2026-01-02T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T00:00:00.000Z'];
    expect(sortedBy(encode, times)).toEqual([...times].sort((a, b) => Date.parse(a) - Date.parse(b)));
  });

  it('is case-sensitive and puts missing values last', () => {
    expect(encode({ f: 'a' })).not.toBe(encode({ f: 'A' }));
    expect(sortedBy(encode, [null, 'Z', 'a'])).toEqual(['Z', 'a', null]);
  });
});
