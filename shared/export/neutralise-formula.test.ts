import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula, restoreNeutralised } from './neutralise-formula.js';

describe('formula neutralisation', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', "'=x"])('prefixes %j with an apostrophe', (value) => {
    expect(neutraliseFormula(value)).toBe(`'${value}`);
  });

  it.each(['Nguyen', "'quoted'", 'a=b', ' =x', ''])('leaves %j alone', (value) => {
    expect(neutraliseFormula(value)).toBe(value);
  });

  it('is reversed exactly by restoreNeutralised for any text', () => {
    const text = fc.oneof(
      fc.string(),
      fc.string().map((s) => `'${s}`),
      fc.constantFrom('=', "'", "''=", '-', "'-"),
    );
    fc.assert(fc.property(text, (value) => restoreNeutralised(neutraliseFormula(value)) === value));
  });

  it('never leaves a cell that starts with a trigger', () => {
    fc.assert(fc.property(fc.string(), (value) => !/^[=+\-@\t\r]/.test(neutraliseFormula(value))));
  });
});
