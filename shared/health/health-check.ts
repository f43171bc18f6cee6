import { logger } from '../powertools/logger.js';
import { errorSummary } from '../powertools/error-summary.js';
import type { CircuitState } from '../resilience/circuit-breaker.js';
import { circuitStates } from '../resilience/circuit-registry.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, 'ok' | 'unavailable'>;
  /** This container's circuit breakers by dependency (the worst when it has several). */
  circuits: Record<string, CircuitState>;
}

/** A named dependency probe; it resolves when the dependency answers. */
export type Probe = () => Promise<void>;

/**
 * Runs every probe of a dependency in parallel with a deadline; a probe that fails or is
 * slower than `timeoutMs` marks its dependency unavailable (logged, never echoed). The
 * circuits are reported as they stand after the probes; an open one fails its probes fast.
 */
export async function checkHealth(
  probes: Record<string, Probe[]>,
  timeoutMs = 2_000,
  circuits: () => HealthReport['circuits'] = circuitStates,
): Promise<HealthReport> {
  const checks: HealthReport['checks'] = {};
  await Promise.all(
    Object.entries(probes).map(async ([name, list]) => {
      try {
        // `.then(probe)`: a probe that throws before returning its promise becomes a rejection
        // like the others, instead of leaving the probes already started unobserved.
        await withDeadline(Promise.all(list.map((probe) => Promise.resolve().then(probe))), timeoutMs);
        checks[name] = 'ok';
      } catch (error) {
        logger.warn('health probe failed', { dependency: name, error: errorSummary(error) });
        checks[name] = 'unavailable';
      }
    }),
  );
  const healthy = Object.values(checks).every((state) => state === 'ok');
  return { status: healthy ? 'ok' : 'degraded', checks, circuits: circuits() };
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
