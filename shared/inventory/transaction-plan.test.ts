import { describe, expect, it } from 'vitest';
import { MAX_ORDER_LINES } from '../orders/orders.schemas.js';
import {
  commitStepSize,
  MAX_FINAL_COMMIT_LINES,
  MAX_FINAL_RELEASE_LINES,
  MAX_FINAL_RESERVE_LINES,
  MAX_HELD_LINES,
  MAX_RESERVATION_LINES,
  MAX_TRANSACTION_ACTIONS,
  releaseStepSize,
  reserveStepSize,
} from './transaction-plan.js';

/** The transactions a reservation of `lines` lines runs, as action counts (see transaction-plan.ts). */
function reserveTransactions(lines: number) {
  const sizes: { hold: number; actions: number }[] = [];
  for (let held = 0; held < lines; ) {
    const hold = reserveStepSize(lines, held);
    held += hold;
    // lines + record + order (update or check) + outbox on the last step
    sizes.push({ hold, actions: hold + 2 + (held === lines ? 1 : 0) });
  }
  return sizes;
}

function releaseTransactions(held: number) {
  const sizes: number[] = [];
  for (let left = held; left > 0; ) {
    const size = releaseStepSize(left);
    left -= size;
    sizes.push(size + 1 + (left === 0 ? 1 : 0)); // lines + record (+ outbox on the last)
  }
  return sizes;
}

describe('inventory transaction plan (100 actions per TransactWriteItems)', () => {
  it('every order the API accepts fits: one transaction up to 97 lines, two above, none over 100 actions', () => {
    expect(MAX_ORDER_LINES).toBeLessThanOrEqual(MAX_RESERVATION_LINES);
    for (let lines = 1; lines <= MAX_ORDER_LINES; lines++) {
      const steps = reserveTransactions(lines);
      expect(steps.length, `${lines} lines`).toBe(lines <= MAX_FINAL_RESERVE_LINES ? 1 : 2);
      expect(steps.every((step) => step.actions <= MAX_TRANSACTION_ACTIONS)).toBe(true);
      expect(steps.reduce((sum, step) => sum + step.hold, 0)).toBe(lines);
      // What the early step holds is given back by ONE step: held + record + order check + outbox.
      const early = steps.slice(0, -1).reduce((sum, step) => sum + step.hold, 0);
      expect(early + 3).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
    }
    expect(reserveTransactions(100)).toEqual([
      { hold: 3, actions: 5 },
      { hold: 97, actions: 100 },
    ]);
  });

  it('keeps the early step small: it holds only what the final step cannot take', () => {
    expect(reserveStepSize(98, 0)).toBe(1);
    expect(reserveStepSize(98, 1)).toBe(97);
    expect(reserveStepSize(MAX_RESERVATION_LINES, 0)).toBe(MAX_HELD_LINES);
    expect(() => reserveStepSize(MAX_RESERVATION_LINES + 1, 0)).toThrow(/does not fit/);
  });

  it('releases up to 98 lines in one transaction, 99 and 100 in two', () => {
    for (let held = 1; held <= MAX_ORDER_LINES; held++) {
      const steps = releaseTransactions(held);
      expect(steps.length, `${held} lines`).toBe(held <= MAX_FINAL_RELEASE_LINES ? 1 : 2);
      expect(Math.max(...steps)).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
    }
    expect(releaseTransactions(100)).toEqual([3, 100]);
  });

  it('commits up to 98 lines in one transaction, 99 and 100 in two (lines + record, never over 100 actions)', () => {
    const commitTransactions = (held: number) => {
      const sizes: number[] = [];
      for (let left = held; left > 0; ) {
        const size = commitStepSize(left);
        left -= size;
        sizes.push(size + 1);
      }
      return sizes;
    };
    for (let held = 1; held <= MAX_ORDER_LINES; held++) {
      const steps = commitTransactions(held);
      expect(steps.length, `${held} lines`).toBe(held <= MAX_FINAL_COMMIT_LINES ? 1 : 2);
      expect(steps.reduce((sum, actions) => sum + actions - 1, 0)).toBe(held);
      expect(Math.max(...steps)).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
    }
    expect(commitTransactions(100)).toEqual([3, 99]);
  });
});
