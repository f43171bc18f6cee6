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
