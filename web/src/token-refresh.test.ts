import { describe, expect, it } from 'vitest';
import { REFRESH_RETRY_MS, RefreshRefused, refreshDelayMs, refreshSchedule } from './token-refresh.js';

/** Manual clock and timers: `advance(ms)` runs what falls due, awaiting each refresh. */
function fakeTime() {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => {
      timers.push({ at: now + ms, run, id: ++ids });
      return ids;
    },
    clearTimer: (id: unknown) => {
      timers = timers.filter((timer) => timer.id !== id);
    },
    pending: () => timers.map((timer) => timer.at),
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((timer) => timer !== due);
        now = due.at;
        due.run();
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = end;
    },
  };
}

describe('refreshDelayMs', () => {
  it('refreshes a minute before expiry', () => {
    expect(refreshDelayMs(3_600_000, 0)).toBe(3_540_000);
  });
  it('refreshes half-way through a lifetime under two minutes, and at once when late', () => {
    expect(refreshDelayMs(60_000, 0)).toBe(30_000);
    expect(refreshDelayMs(1_000, 5_000)).toBe(0);
  });
});

describe('refreshSchedule', () => {
  it('refreshes before each expiry, planning the next from the new tokens', async () => {
    const time = fakeTime();
    const calls: number[] = [];
    const schedule = refreshSchedule({ ...time, refresh: async () => (calls.push(time.now()), time.now() + 3_600_000), onExpired: () => calls.push(-1) });
    schedule.start(3_600_000);
    await time.advance(3_539_999);
    expect(calls).toEqual([]);
    await time.advance(1);
    expect(calls).toEqual([3_540_000]);
    await time.advance(3_540_000);
    expect(calls).toEqual([3_540_000, 7_080_000]);
  });

  it('retries a failure that may pass while the tokens are valid, then gives up at expiry', async () => {
    const time = fakeTime();
    const calls: number[] = [];
    const expired: string[] = [];
    const schedule = refreshSchedule({
      ...time,
      refresh: async () => {
        calls.push(time.now());
        throw new TypeError('Failed to fetch');
      },
      onExpired: (reason) => expired.push(reason),
    });
    schedule.start(3_600_000);
    await time.advance(3_600_000);
    // A minute before expiry, then every 10 s while another try would still come before it.
    expect(calls).toEqual([0, 1, 2, 3, 4, 5].map((n) => 3_540_000 + n * REFRESH_RETRY_MS));
    expect(expired).toEqual(['Your session could not be renewed.']);
  });

  it('ends the session at once when the refresh is refused', async () => {
    const time = fakeTime();
    const expired: string[] = [];
    const schedule = refreshSchedule({
      ...time,
      refresh: async () => {
        throw new RefreshRefused('Refresh Token has expired');
      },
      onExpired: (reason) => expired.push(reason),
    });
    schedule.start(3_600_000);
    await time.advance(3_540_000);
    expect(expired).toEqual(['Refresh Token has expired']);
    expect(time.pending()).toEqual([]);
  });

  it('stops after cancel (sign-out), even with a refresh in flight', async () => {
    const time = fakeTime();
    let release!: (value: number) => void;
    const expired: string[] = [];
    const schedule = refreshSchedule({
      ...time,
      refresh: () => new Promise<number>((resolve) => (release = resolve)),
      onExpired: (reason) => expired.push(reason),
    });
    schedule.start(120_000);
    await time.advance(60_000);
    schedule.cancel();
    release(999_999_999);
    await time.advance(10_000_000);
    expect(time.pending()).toEqual([]);
    expect(expired).toEqual([]);
  });
});
