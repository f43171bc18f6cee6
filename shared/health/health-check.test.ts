import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { checkHealth } from './health-check.js';

describe('checkHealth', () => {
  it('reports ok when every probe of every dependency answers', async () => {
    expect(await checkHealth({ dynamodb: [async () => {}, async () => {}], redis: [async () => {}] }, 2_000, () => ({}))).toEqual({
      status: 'ok',
      checks: { dynamodb: 'ok', redis: 'ok' },
      circuits: {},
    });
  });

  it('marks a dependency unavailable when a probe rejects or is too slow', async () => {
    const report = await checkHealth({ dynamodb: [async () => Promise.reject(new Error('down'))], redis: [() => new Promise(() => {})] }, 20, () => ({}));
    expect(report).toEqual({ status: 'degraded', checks: { dynamodb: 'unavailable', redis: 'unavailable' }, circuits: {} });
  });

  it("reports this container's circuit breakers by dependency", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ dependency: 'unit-health', openMs: 1_000, now: () => now });
    expect((await checkHealth({})).circuits['unit-health']).toBe('closed');
    breaker.fail();
    expect((await checkHealth({})).circuits['unit-health']).toBe('open');
    now = 1_000;
    expect((await checkHealth({})).circuits['unit-health']).toBe('half-open');
  });

  it('observes every started probe when another throws before returning a promise', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const later = () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error('table down')), 5));
      const throwsAtOnce = (): Promise<void> => {
        throw new Error('PRODUCTS_TABLE_NAME is not set');
      };
      const report = await checkHealth({ dynamodb: [later, throwsAtOnce] });
      expect(report.checks.dynamodb).toBe('unavailable');
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
