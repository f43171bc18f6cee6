import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { budgetedCallOptions, currentBudget, type RequestBudget, withBudget } from './request-budget.js';

const budget = (deadline: number): RequestBudget => ({ deadline, budgetMs: Math.max(0, deadline - Date.now()), signal: new AbortController().signal });

describe('request budget', () => {
  it('is absent outside an invocation (scripts, unit tests)', () => {
    expect(currentBudget()).toBeUndefined();
    expect(budgetedCallOptions()).toEqual({});
  });

  it('is visible to everything the work awaits, across timers and promise chains', async () => {
    const given = budget(1_000);
    const seen = await withBudget(given, async () => {
      const first = currentBudget();
      await sleep(5);
      const afterTimer = currentBudget();
      const inCallback = await new Promise<RequestBudget | undefined>((resolve) => setImmediate(() => resolve(currentBudget())));
      return [first, afterTimer, inCallback];
    });
    expect(seen).toHaveLength(3);
    for (const seenBudget of seen) expect(seenBudget).toBe(given);
  });

  it('returns what the work returns and rethrows what it throws', async () => {
    await expect(withBudget(budget(1), async () => 42)).resolves.toBe(42);
    await expect(
      withBudget(budget(1), async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
  });

  it('keeps concurrent invocations apart', async () => {
    const a = budget(1);
    const b = budget(2);
    const [seenA, seenB] = await Promise.all([
      withBudget(a, async () => {
        await sleep(10);
        return currentBudget();
      }),
      withBudget(b, async () => {
        await sleep(1);
        return currentBudget();
      }),
    ]);
    expect(seenA).toBe(a);
    expect(seenB).toBe(b);
  });

  it('is gone again once the work has finished', async () => {
    await withBudget(budget(1), async () => undefined);
    expect(currentBudget()).toBeUndefined();
  });

  it('gives SDK calls the budget signal, which aborts when the budget does', async () => {
    const controller = new AbortController();
    const options = await withBudget({ deadline: Date.now() + 100, budgetMs: 100, signal: controller.signal }, async () => budgetedCallOptions());
    expect(options.abortSignal).toBe(controller.signal);
    expect(options.abortSignal?.aborted).toBe(false);
    controller.abort();
    expect(options.abortSignal?.aborted).toBe(true);
  });

  it('lets a nested budget shadow the outer one only inside its own work', async () => {
    const outer = budget(1);
    const inner = budget(2);
    const seen = await withBudget(outer, async () => {
      const nested = await withBudget(inner, async () => currentBudget());
      return [nested, currentBudget()];
    });
    expect(seen[0]).toBe(inner);
    expect(seen[1]).toBe(outer);
  });
});
