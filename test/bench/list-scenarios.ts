import { type LatencySummary, ms, summarize } from './percentiles.js';

/** The fields of a list response page the benchmark checks. */
export interface ListBody {
  items: unknown[];
  total: number;
  page: number;
  next_cursor: string | null;
}

/** One timed list request: status always, body only when it answered 200. */
export interface ListCall {
  elapsed: number;
  status: number;
  body?: ListBody;
}

export interface Scenario {
  name: string;
  query: Record<string, string>;
  expectPage: number;
  /**
   * Measured on its own after the others: a request the function abandons at its time
   * budget leaves DynamoDB Local still working, which would slow whatever runs next.
   */
  isolated?: boolean;
}

export interface ScenarioResult {
  name: string;
  query: Record<string, string>;
  /** Over every measured request, failed ones included (their time is what a client waited). */
  stats: LatencySummary;
  total?: number;
  /** Measured requests that did not answer 200, by status. */
  failures: Record<string, number>;
  note?: string;
}

export interface MeasureOptions {
  warmupRounds: number;
  iterations: number;
  /** Floor for a scenario so slow that `iterations` would blow its time budget. */
  minIterations: number;
  budgetMs: number;
}

type List = (query: Record<string, string>) => Promise<ListCall>;

/**
 * Measures the scenarios interleaved, then each isolated one alone; results keep the order
 * of `scenarios`. A non-200 answer is counted, not thrown: a request that times out is a result.
 */
export async function measureScenarios(scenarios: Scenario[], list: List, options: MeasureOptions): Promise<ScenarioResult[]> {
  const groups = [scenarios.filter((scenario) => !scenario.isolated), ...scenarios.filter((scenario) => scenario.isolated).map((scenario) => [scenario])];
  const results: ScenarioResult[] = [];
  for (const group of groups.filter((candidate) => candidate.length > 0)) results.push(...(await measureGroup(group, list, options)));
  return scenarios.map((scenario) => results.find((result) => result.name === scenario.name)!);
}

/**
 * Warm-up rounds first (which also check that a 200 holds the expected page of 10 items),
 * then round-robin over the group so drift spreads evenly, until each has its planned samples.
 */
async function measureGroup(scenarios: Scenario[], list: List, options: MeasureOptions): Promise<ScenarioResult[]> {
  const warm = scenarios.map(() => [] as number[]);
  const totals: (number | undefined)[] = scenarios.map(() => undefined);
  for (let round = 0; round < options.warmupRounds; round++) {
    for (const [index, scenario] of scenarios.entries()) {
      const call = await list(scenario.query);
      if (call.body && (call.body.page !== scenario.expectPage || call.body.items.length !== 10)) {
        throw new Error(`${scenario.name}: got page ${call.body.page} with ${call.body.items.length} items`);
      }
      warm[index]!.push(call.elapsed);
      totals[index] ??= call.body?.total;
    }
  }
  const planned = warm.map((samples) => Math.min(options.iterations, Math.max(options.minIterations, Math.floor(options.budgetMs / summarize(samples).p50))));
  console.log(`${options.warmupRounds} warm-up rounds done; measuring ${planned.map((n, i) => `${scenarios[i]!.name} × ${n}`).join(', ')}`);
  const samples = scenarios.map(() => [] as number[]);
  const failures = scenarios.map(() => ({}) as Record<string, number>);
  for (let round = 0; round < Math.max(...planned); round++) {
    for (const [index, scenario] of scenarios.entries()) {
      if (round >= planned[index]!) continue;
      const call = await list(scenario.query);
      samples[index]!.push(call.elapsed);
      if (call.status !== 200) failures[index]![call.status] = (failures[index]![call.status] ?? 0) + 1;
    }
  }
  return scenarios.map((scenario, index) => ({
    name: scenario.name,
    query: scenario.query,
    stats: summarize(samples[index]!),
    ...(totals[index] !== undefined ? { total: totals[index] } : {}),
    failures: failures[index]!,
    ...(planned[index]! < options.iterations
      ? { note: `${planned[index]} iterations (each ≈ ${ms(summarize(warm[index]!).p50)} ms in warm-up; budget ${options.budgetMs / 1000} s)` }
      : {}),
  }));
}

/** `2× 504` style summary of failures; empty when there were none. */
export function failureText(failures: Record<string, number>): string {
  return Object.entries(failures)
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');
}
