import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { printTable } from '../bench/bench-report.js';
import { ChaosChecks, type ChaosCheck, eventually } from './chaos-checks.js';
import type { ChaosScenario } from './chaos-scenario.js';
import { startChaosStack } from './chaos-stack.js';

/**
 * `npm run chaos` runs every fault scenario against one local stack (docs/chaos.md);
 * `npm run chaos -- redis-down events-redelivered` runs some. Each scenario breaks one
 * dependency, asserts, and repairs it; after each the stack must answer /health 200 without
 * a restart. Prints a pass/fail table, writes `.build/chaos/results.json`, exits 1 on any
 * failed check or crashed scenario.
 */
const SCENARIOS: Record<string, () => Promise<ChaosScenario>> = {
  'redis-down': async () => (await import('./scenarios/redis-down.js')).redisDown,
  'events-redelivered': async () => (await import('./scenarios/events-redelivered.js')).eventsRedelivered,
  'dynamodb-throttled': async () => (await import('./scenarios/dynamodb-throttled.js')).dynamodbThrottled,
  'import-throttled': async () => (await import('./scenarios/import-throttled.js')).importThrottled,
  's3-down': async () => (await import('./scenarios/s3-down.js')).s3Down,
  'payment-down': async () => (await import('./scenarios/payment-down.js')).paymentDown,
  'dynamodb-down': async () => (await import('./scenarios/dynamodb-down.js')).dynamodbDown,
  'import-worker-killed': async () => (await import('./scenarios/import-worker-killed.js')).importWorkerKilled,
};

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0 || process.argv.includes('--help')) {
  (unknown.length > 0 ? console.error : console.log)(
    `usage: npm run chaos [-- <scenario>...]   (CHAOS_VERBOSE=1 prints the stack's log)\n  ${Object.keys(SCENARIOS).join('\n  ')}`,
  );
  process.exit(unknown.length > 0 ? 2 : 0);
}
const selected = names.length > 0 ? names : Object.keys(SCENARIOS);

const started = performance.now();
console.log('starting the local stack with fault points (Redis, S3 and DynamoDB proxies)…');
const chaos = await startChaosStack();
const rows: (ChaosCheck & { scenario: string; seconds: number })[] = [];
for (const name of selected) {
  const scenario = await SCENARIOS[name]!();
  console.log(`\n=== chaos: ${name} — ${scenario.about} ===`);
  const checks = new ChaosChecks();
  const scenarioStarted = performance.now();
  try {
    await scenario.run(chaos, checks);
  } catch (error) {
    checks.expect('scenario ran to the end', false, `crashed: ${(error as Error).stack ?? String(error)}`.slice(0, 400));
  }
  const healthy = await eventually(async () => (await chaos.request('GET', '/health')).status === 200, 30_000, 500);
  checks.expect('stack healthy afterwards, no restart (/health 200)', healthy);
  const seconds = (performance.now() - scenarioStarted) / 1000;
  for (const result of checks.results) {
    rows.push({ scenario: name, seconds, ...result });
    console.log(`  ${result.pass ? 'PASS' : 'FAIL'}  ${result.check}${result.detail ? `  (${result.detail})` : ''}`);
  }
  if (checks.results.some((result) => !result.pass) && !process.env.CHAOS_VERBOSE)
    console.log(`  last stack log lines:\n    ${chaos.logs.slice(-15).join('\n    ')}`);
}
await chaos.stop();

const failed = rows.filter((row) => !row.pass);
console.log(`\n=== chaos summary (${((performance.now() - started) / 1000).toFixed(0)} s) ===\n`);
printTable(
  ['scenario', 'checks', 'failed', 'seconds', 'verdict'],
  selected.map((name) => {
    const mine = rows.filter((row) => row.scenario === name);
    const bad = mine.filter((row) => !row.pass);
    return [name, String(mine.length), String(bad.length), (mine[0]?.seconds ?? 0).toFixed(1), bad.length === 0 ? 'PASS' : 'FAIL'];
  }),
);
if (failed.length > 0) console.log(`\n${failed.map((row) => `  ✗ ${row.scenario}: ${row.check} (${row.detail})`).join('\n')}`);
const out = path.join(ROOT, '.build', 'chaos');
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'results.json'), `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`\nall checks: ${path.relative(ROOT, path.join(out, 'results.json'))}`);
// Sockets or timers left by the in-process bundles must not keep the run alive.
process.exit(failed.length > 0 ? 1 : 0);
