import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens on a failure, reports only the opening, and half-opens after its period', () => {
    let now = 0;
    const breaker = new CircuitBreaker(15_000, () => now);
    expect(breaker.allows()).toBe(true);
    expect(breaker.fail()).toBe(true);
    expect(breaker.allows()).toBe(false);
    expect(breaker.fail()).toBe(false); // a request that was already in flight
    now = 15_000;
    expect(breaker.allows()).toBe(true);
    expect(breaker.fail()).toBe(true); // the trial failed: opened again, reported again
    now += 15_000;
    expect(breaker.allows()).toBe(true);
  });
});

describe('CircuitBreaker with a failure threshold', () => {
  it('opens only after N consecutive failures; a success starts the count again', () => {
    let now = 0;
    const breaker = new CircuitBreaker(30_000, () => now, 3);
    expect([breaker.fail(), breaker.fail()]).toEqual([false, false]);
    breaker.succeed();
    expect([breaker.fail(), breaker.fail(), breaker.allows()]).toEqual([false, false, true]);
    expect(breaker.fail()).toBe(true); // the third in a row opens it
    expect(breaker.allows()).toBe(false);
    now = 30_000;
    expect(breaker.allows()).toBe(true); // half-open: one trial
    expect(breaker.fail()).toBe(true); // the trial failed: open again at once, not after 3 more
    now = 60_000;
    breaker.succeed(); // the next trial worked: closed
    expect([breaker.fail(), breaker.allows()]).toEqual([false, true]);
  });
});
