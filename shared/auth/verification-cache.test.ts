import { describe, expect, it } from 'vitest';
import { VerificationCache } from './verification-cache.js';

describe('VerificationCache', () => {
  it('returns an entry until its expiry and not after', () => {
    let now = 1_000;
    const cache = new VerificationCache<string>(10, () => now);
    cache.set('a', 'A', 2_000);
    expect(cache.get('a')).toBe('A');
    now = 2_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('ignores entries that are already expired', () => {
    const cache = new VerificationCache<string>(10, () => 5_000);
    cache.set('old', 'x', 4_000);
    expect(cache.size).toBe(0);
  });

  it('stays within its bound by evicting the least recently used entry', () => {
    const cache = new VerificationCache<string>(2, () => 0);
    cache.set('a', 'A', 10);
    cache.set('b', 'B', 10);
    cache.get('a');
    cache.set('c', 'C', 10);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });
});
