import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { circuitStates } from './circuit-registry.js';

describe('CircuitBreaker', () => {
  it('opens on a failure, reports only the opening, and half-opens after its period', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ dependency: 'unit-a', openMs: 15_000, now: () => now });
    expect([breaker.allows(), breaker.state()]).toEqual([true, 'closed']);
    expect(breaker.fail()).toBe(true);
    expect([breaker.allows(), breaker.state(), breaker.retryInMs()]).toEqual([false, 'open', 15_000]);
    expect(breaker.fail()).toBe(false); // a request that was already in flight
    now = 15_000;
    expect([breaker.allows(), breaker.state()]).toEqual([true, 'half-open']);
    expect(breaker.fail()).toBe(true); // the trial failed: opened again, reported again
    now += 15_000;
    expect(breaker.allows()).toBe(true);
    breaker.succeed();
    expect(breaker.state()).toBe('closed');
  });
});

describe('CircuitBreaker with a failure threshold and a window', () => {
  it('opens only after N consecutive failures; a success starts the count again', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ dependency: 'unit-b', openMs: 30_000, failureThreshold: 3, now: () => now });
    expect([breaker.fail(), breaker.fail()]).toEqual([false, false]);
    breaker.succeed();
    expect([breaker.fail(), breaker.fail(), breaker.allows()]).toEqual([false, false, true]);
    expect(breaker.fail()).toBe(true); // the third in a row opens it
    expect(breaker.allows()).toBe(false);
    now = 30_000;
    expect(breaker.allows()).toBe(true); // half-open: calls try again
    expect(breaker.fail()).toBe(true); // the trial failed: open again at once, not after 3 more
    now = 60_000;
    breaker.succeed(); // the next trial worked: closed
    expect([breaker.fail(), breaker.allows(), breaker.state()]).toEqual([false, true, 'closed']);
  });

  it('forgets failures older than its window', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ dependency: 'unit-c', openMs: 5_000, failureThreshold: 3, windowMs: 10_000, now: () => now });
    expect([breaker.fail(), breaker.fail()]).toEqual([false, false]);
    now = 10_001; // the run started more than 10 s ago: this failure is the first of a new one
    expect([breaker.fail(), breaker.fail(), breaker.state()]).toEqual([false, false, 'closed']);
    expect(breaker.fail()).toBe(true);
  });
});

describe('circuitStates', () => {
  it('lists every dependency once, with the worst state of its breakers', () => {
    let now = 0;
    const clock = () => now;
    const first = new CircuitBreaker({ dependency: 'unit-shared', openMs: 1_000, now: clock });
    new CircuitBreaker({ dependency: 'unit-shared', openMs: 1_000, now: clock });
    new CircuitBreaker({ dependency: 'unit-calm', openMs: 1_000, now: clock });
    expect(circuitStates()).toMatchObject({ 'unit-shared': 'closed', 'unit-calm': 'closed' });
    first.fail();
    expect(circuitStates()).toMatchObject({ 'unit-shared': 'open', 'unit-calm': 'closed' });
    now = 1_000;
    expect(circuitStates()['unit-shared']).toBe('half-open');
  });
});
