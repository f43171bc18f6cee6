import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDecimal } from './parse-decimal.js';

/** The rule it replaces: the import's number grammar, then `Number` with the comma as a point. */
function reference(text: string): number {
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(text)) return Number.NaN;
  return Number(text.includes(',') ? text.replace(',', '.') : text);
}

describe('parseDecimal', () => {
  it.each([
    ['8', 8],
    ['8.5', 8.5],
    ['8,5', 8.5],
    ['8.', 8],
    ['.5', 0.5],
    [',25', 0.25],
    ['+7', 7],
    ['-0', -0],
    ['007.10', 7.1],
    ['0.1', 0.1],
    ['9.999999999999999', 9.999999999999999],
    ['12345678901234567890', 12345678901234567000],
  ])('reads %j as %d', (text, expected) => {
    expect(Object.is(parseDecimal(text), expected)).toBe(true);
  });

  it.each(['', '.', ',', '+', '-', '1.2.3', '1,2,3', '1e3', '0x10', ' 5', '5 ', 'Infinity', 'NaN', 'abc', '１２', '+-1', '1.,2'])('refuses %j', (text) => {
    expect(parseDecimal(text)).toBeNaN();
  });

  it('equals Number() on the import grammar for any text of digits, signs and separators', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+.,0-9e ]{0,24}$/), (text) => {
        expect(Object.is(parseDecimal(text), reference(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('equals Number() for any double written with 0 to 20 decimals, with a point or a comma', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 20 }), fc.boolean(), (value, decimals, comma) => {
        const text = value.toFixed(decimals).replace('.', comma ? ',' : '.');
        expect(Object.is(parseDecimal(text), reference(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });
});
