import { describe, expect, it } from 'vitest';
import { mergeLines } from './stock-lines.js';

describe('mergeLines', () => {
  it('sums the quantities of a SKU named twice and keeps first-seen order', () => {
    expect(
      mergeLines([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'B', quantity: 4 },
      { sku: 'A', quantity: 2 },
    ]);
  });
});
