import type { CircuitBreaker, CircuitState } from './circuit-breaker.js';

/** Weak: a client (and its breaker) that is dropped leaves the registry with it. */
const circuits = new Set<WeakRef<CircuitBreaker>>();

/** Lists `breaker` in this container's circuit states; called by every breaker it builds. */
export function trackCircuit(breaker: CircuitBreaker): void {
  circuits.add(new WeakRef(breaker));
}

const SEVERITY: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The state of each dependency's breakers in this container (`/health`); when a dependency
 * has several (one per client or cache), the worst one: open, then half-open, then closed.
 */
export function circuitStates(): Record<string, CircuitState> {
  const states: Record<string, CircuitState> = {};
  for (const ref of circuits) {
    const breaker = ref.deref();
    if (!breaker) {
      circuits.delete(ref);
      continue;
    }
    const state = breaker.state();
    const known = states[breaker.dependency];
    if (known === undefined || SEVERITY[state] > SEVERITY[known]) states[breaker.dependency] = state;
  }
  return Object.fromEntries(Object.entries(states).sort(([a], [b]) => a.localeCompare(b)));
}
