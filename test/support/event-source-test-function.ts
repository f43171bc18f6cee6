import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';

/** What the test handler bundle recorded (it shares globalThis with the test). */
export interface EventSourceTestState {
  events: { Records: unknown[] }[];
  seen: Map<string, number>;
}

/**
 * Bundles test/support/event-source-handler.ts under its own id (one per test file, so
 * parallel files never write the same folder) and returns its declaration and recorded state.
 */
export function eventSourceTestFunction(id: string): { fn: LambdaDeclaration; state: EventSourceTestState } {
  const fn: LambdaDeclaration = { id, entry: 'test/support/event-source-handler.ts', description: 'event source test handler', tables: [] };
  bundleFunctions([fn]);
  const holder = globalThis as { __eventSourceTest?: EventSourceTestState };
  holder.__eventSourceTest ??= { events: [], seen: new Map() };
  return { fn, state: holder.__eventSourceTest };
}

/** Polls `condition` until it holds (or throws after `timeoutMs`): no fixed sleeps in tests. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
