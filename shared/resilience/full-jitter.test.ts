import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullJitter, fullJitterCeiling, fullJitterDelay } from './full-jitter.js';

afterEach(() => vi.restoreAllMocks());

/** The wait fullJitter asks setTimeout for when Math.random returns `random`. */
async function waitFor(attempt: number, random: number, options: { baseMs: number; capMs?: number }): Promise<number> {
  vi.spyOn(Math, 'random').mockReturnValue(random);
  const timeout = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((resolve: () => void) => {
    resolve();
    return 0;
  }) as never);
  await fullJitter(attempt, options);
  return timeout.mock.calls[0]![1] as number;
}

describe('fullJitter', () => {
  it('doubles the ceiling per attempt, starting at the base', async () => {
    expect(await waitFor(1, 0.5, { baseMs: 10 })).toBe(5);
    vi.restoreAllMocks();
    expect(await waitFor(4, 0.5, { baseMs: 10 })).toBe(40);
  });

  it('never waits longer than the cap', async () => {
    expect(await waitFor(30, 0.999, { baseMs: 50, capMs: 2_000 })).toBeCloseTo(1_998, 0);
  });

  it('can wait close to nothing (full jitter, not equal jitter)', async () => {
    expect(await waitFor(5, 0, { baseMs: 100 })).toBe(0);
  });
});

describe('fullJitterDelay', () => {
  it('stays in [0, min(cap, base·2^(attempt-1))) for every draw', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const ceiling = fullJitterCeiling(attempt, { baseMs: 200, capMs: 1_600 });
      expect(ceiling).toBe(Math.min(1_600, 200 * 2 ** (attempt - 1)));
      for (let draw = 0; draw < 500; draw++) {
        const delay = fullJitterDelay(attempt, { baseMs: 200, capMs: 1_600 });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });
});
