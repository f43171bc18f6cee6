import { describe, expect, it } from 'vitest';
import { BudgetedRetryStrategy, type BudgetedRetryOptions } from './budgeted-retry-strategy.js';

type Info = Parameters<BudgetedRetryStrategy['refreshRetryTokenForRetry']>[1];
const throttled: Info = { errorType: 'THROTTLING', error: Object.assign(new Error('slow down'), { name: 'ThrottlingException' }) } as Info;

/** Asks `strategy` for retries until it refuses; the delays it granted. */
async function grantedDelays(options: BudgetedRetryOptions, info: Info = throttled): Promise<number[]> {
  const strategy = new BudgetedRetryStrategy({ onRetry: () => {}, ...options });
  let token = await strategy.acquireInitialRetryToken();
  const delays: number[] = [];
  for (;;) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, info);
    } catch {
      return delays;
    }
    delays.push(token.getRetryDelay());
  }
}

describe('BudgetedRetryStrategy backoff', () => {
  it('retries four times under ceilings of 200, 400, 800 and 1600 ms', async () => {
    expect(await grantedDelays({ random: () => 0.999_999 })).toEqual([200, 400, 800, 1_600].map((ceiling) => expect.closeTo(ceiling, 0)));
  });

  it('draws each wait uniformly below its ceiling (full jitter, not equal jitter)', async () => {
    expect(await grantedDelays({ random: () => 0 })).toEqual([0, 0, 0, 0]);
    expect(await grantedDelays({ random: () => 0.5 })).toEqual([100, 200, 400, 800]);
    for (let run = 0; run < 200; run++) {
      const delays = await grantedDelays({});
      expect(delays).toHaveLength(4);
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(200 * 2 ** i);
      });
    }
  });

  it('retries throttling and transient errors (5xx, timeouts) but not client errors', async () => {
    expect(await grantedDelays({}, { ...throttled, errorType: 'TRANSIENT' })).toHaveLength(4);
    expect(await grantedDelays({}, { ...throttled, errorType: 'CLIENT_ERROR' })).toEqual([]);
    expect(await grantedDelays({}, { ...throttled, errorType: 'SERVER_ERROR' })).toEqual([]);
  });
});

describe('BudgetedRetryStrategy within the request budget', () => {
  it('makes no retry whose wait would leave less than one attempt of the budget', async () => {
    let left = 1_000;
    const strategy = new BudgetedRetryStrategy({ random: () => 0.999_999, remainingMs: () => left, onRetry: () => {} });
    let token = await strategy.acquireInitialRetryToken();
    token = await strategy.refreshRetryTokenForRetry(token, throttled); // ~200 ms wait: 800 left
    left = 500;
    token = await strategy.refreshRetryTokenForRetry(token, throttled); // ~400 ms wait: 100 left, just enough
    left = 850;
    await expect(strategy.refreshRetryTokenForRetry(token, throttled)).rejects.toThrow(/budget/); // ~800 ms would leave 50
  });

  it('never grants waits that add up to more than the budget', async () => {
    for (const budget of [0, 50, 150, 400, 900, 2_000, 4_000]) {
      let left = budget;
      const strategy = new BudgetedRetryStrategy({ remainingMs: () => left, onRetry: () => {} });
      let token = await strategy.acquireInitialRetryToken();
      for (;;) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, throttled);
        } catch {
          break;
        }
        left -= token.getRetryDelay();
        expect(left).toBeGreaterThanOrEqual(100);
      }
    }
  });

  it('has no time limit outside a request (consumers, scripts)', async () => {
    expect(await grantedDelays({ remainingMs: () => undefined })).toHaveLength(4);
  });

  it('counts each retry it grants, and only those', async () => {
    let counted = 0;
    await grantedDelays({ onRetry: () => counted++, remainingMs: () => 700, random: () => 0.999_999 });
    expect(counted).toBe(2); // 200 then 400 fit in 700 ms; 800 does not
  });
});
