import { describe, expect, it } from 'vitest';
import { IdRegistry } from './id-registry.js';

describe('IdRegistry', () => {
  it('returns 0 for a new id and the first row for a repeat', () => {
    const registry = new IdRegistry();
    expect(registry.claim('S1', 2)).toBe(0);
    expect(registry.claim('S2', 3)).toBe(0);
    expect(registry.claim('S1', 4)).toBe(2);
    expect(registry.claim('S1', 5)).toBe(2);
    expect(registry.size).toBe(2);
  });

  it('keeps every id distinct through growth (200k ids, then each repeated)', () => {
    const registry = new IdRegistry();
    for (let i = 0; i < 200_000; i++) expect(registry.claim(`ST${i}`, i + 2)).toBe(0);
    for (let i = 0; i < 200_000; i += 997) expect(registry.claim(`ST${i}`, 1_000_000)).toBe(i + 2);
    expect(registry.size).toBe(200_000);
  });

  it('tells apart ids that differ only in case, accents or length', () => {
    const registry = new IdRegistry();
    for (const id of ['AB', 'Ab', 'ÁB', 'AB ', 'A', 'ABB', 'BA']) expect(registry.claim(id, 2)).toBe(0);
  });
});
