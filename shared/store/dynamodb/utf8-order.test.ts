import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from './utf8-order.js';

describe('compareUtf8', () => {
  it('orders strings exactly as their UTF-8 bytes (the order DynamoDB keeps sort keys in)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2_000 },
    );
  });

  it('puts U+10FFFD (missing values) after U+FFFD, unlike UTF-16 order', () => {
    expect(compareUtf8('\u{10FFFD}', '\uFFFD')).toBe(1);
    expect('\u{10FFFD}' < '\uFFFD').toBe(true);
  });
});
