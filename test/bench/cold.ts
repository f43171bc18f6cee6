import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { entities, functions } from '../../shared/registry.js';
import { type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { functionById } from './bundle-handler.js';
import { bundleProbes, IMPORT_PROBES, TRACING_ON_ENV } from './cold-probes.js';
import { functionEnv } from './function-env.js';
import { lambdaLayout } from './lambda-layout.js';
import { ms, summarize } from './percentiles.js';

const run = promisify(execFile);

/** Issue target: every HTTP function's module init at most this many times the bare SDK's (p50). */
const TARGET_RATIO = 1.2;
const RUNS = Number(process.env.COLD_RUNS ?? 7);
/** A baseline sample between every few targets, so both series see the same machine load. */
const BASELINE_EVERY = 4;
/** Every HTTP function by default; `COLD_FUNCTIONS=students-get,students-list` for a few. */
const FUNCTION_IDS = process.env.COLD_FUNCTIONS ? process.env.COLD_FUNCTIONS.split(',') : functions.map((fn) => fn.id);
/** Also measured with tracing on, as deployed (Powertools Tracer and the X-Ray SDK load at init). */
const TRACED_IDS = ['students-get'];
const BASELINE = 'baseline (SDK + DocumentClient)';

/**
 * The child: times a dynamic import (or, for the baseline, importing the two DynamoDB SDK
 * packages and building a DocumentClient), wall and CPU, and prints it. With `after-sdk` it
 * first loads the baseline untimed (an import probe's cost on top of the SDK). It runs inside a
 * Lambda-like layout (see `lambdaLayout`), so packages resolve as they do in Lambda.
 */
const CHILD_SOURCE = `// Written by test/bench/cold.ts; times one cold module init.
const [target, mode] = process.argv.slice(2);
const loadSdk = async () => {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  DynamoDBDocumentClient.from(new DynamoDBClient({}));
};
if (mode === 'after-sdk') await loadSdk();
const cpu = process.cpuUsage();
const started = performance.now();
if (target === 'baseline') {
  await loadSdk();
} else {
  const module = await import(target);
  if (mode === 'handler' && typeof module.handler !== 'function') throw new Error('bundle exports no handler');
}
const importMs = performance.now() - started;
const { user, system } = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ importMs, cpuMs: (user + system) / 1000, processMs: performance.now() }) + '\\n');
`;

interface ChildTiming {
  /** The dynamic import alone, measured inside the child. */
  importMs: number;
  /** CPU time (user + system, all threads) of the import: what a busy machine inflates least. */
  cpuMs: number;
  /** From the child's process start to the end of the import (Node bootstrap included). */
  processMs: number;
  /** Spawn to exit, seen from the parent. */
  wallMs: number;
}

interface Target {
  label: string;
  arg: string;
  mode: 'baseline' | 'handler' | 'after-sdk';
  kind: 'baseline' | 'function' | 'traced' | 'probe';
  env?: Record<string, string>;
}

/**
 * `cold`: fresh Node processes (the Node 22 running this script, clean env like Lambda's)
 * import each HTTP function's bundle RUNS times, interleaved with a baseline that only loads
 * the DynamoDB SDK and builds a DocumentClient; medians and their ratio are reported (wall and
 * CPU time). Then the per-import probes: what each import adds on top of the SDK.
 */
export async function runColdBench(): Promise<BenchOutcome> {
  const fns = FUNCTION_IDS.map(functionById);
  bundleFunctions(fns);
  const layout = lambdaLayout(fns.map((fn) => fn.id));
  const probeFiles = bundleProbes(layout.taskDir);
  const childFile = path.join(layout.taskDir, 'cold-child.mjs');
  writeFileSync(childFile, CHILD_SOURCE);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...functionEnv(Object.fromEntries(entities.map((entity) => [tableDesign(entity).envVar, entity.name]))),
  };
  const bundleUrl = (id: string) => pathToFileURL(path.join(layout.taskDir, id, 'index.mjs')).href;
  const baseline: Target = { label: BASELINE, arg: 'baseline', mode: 'baseline', kind: 'baseline' };
  const targets: Target[] = [
    ...fns.map((fn): Target => ({ label: fn.id, arg: bundleUrl(fn.id), mode: 'handler', kind: 'function' })),
    ...TRACED_IDS.filter((id) => FUNCTION_IDS.includes(id)).map(
      (id): Target => ({
        label: `${id} (tracing on, as in AWS)`,
        arg: bundleUrl(id),
        mode: 'handler',
        kind: 'traced',
        env: { ...TRACING_ON_ENV, LAMBDA_TASK_ROOT: path.join(layout.taskDir, id) },
      }),
    ),
    ...IMPORT_PROBES.map(
      (probe, n): Target => ({
        label: probe.label,
        arg: pathToFileURL(probeFiles[n]!).href,
        mode: 'after-sdk',
        kind: 'probe',
        ...(probe.env ? { env: probe.env } : {}),
      }),
    ),
  ];
  const spawnChild = async (target: Target): Promise<ChildTiming> => {
    const started = performance.now();
    const childEnv = { ...env, POWERTOOLS_SERVICE_NAME: target.kind === 'function' ? target.label : 'cold-probe', ...target.env };
    const { stdout } = await run(process.execPath, [childFile, target.arg, target.mode], { cwd: layout.taskDir, env: childEnv });
    const wallMs = performance.now() - started;
    return { ...(JSON.parse(stdout.trim().split('\n').pop()!) as Omit<ChildTiming, 'wallMs'>), wallMs };
  };

  const loadBefore = loadavg()[0]!;
  console.log(
    `node ${process.version} (${process.execPath}), ${RUNS} runs each, interleaved with the baseline; one discarded warm-up round; load average ${loadBefore.toFixed(1)}\n`,
  );
  const all = [baseline, ...targets];
  for (const target of all) await spawnChild(target); // page cache, not measured
  const timings = new Map<string, ChildTiming[]>(all.map((target) => [target.label, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const [n, target] of targets.entries()) {
      if (n % BASELINE_EVERY === 0) timings.get(BASELINE)!.push(await spawnChild(baseline));
      timings.get(target.label)!.push(await spawnChild(target));
    }
  }
  const machineLoad = `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;

  const stats = all.map((target) => {
    const series = timings.get(target.label)!;
    return {
      label: target.label,
      kind: target.kind,
      import: summarize(series.map((timing) => timing.importMs)),
      cpu: summarize(series.map((timing) => timing.cpuMs)),
      process: summarize(series.map((timing) => timing.processMs)),
      wall: summarize(series.map((timing) => timing.wallMs)),
    };
  });
  const base = stats[0]!;
  const ratio = (stat: (typeof stats)[number]) => stat.import.p50 / base.import.p50;
  const cpuRatio = (stat: (typeof stats)[number]) => stat.cpu.p50 / base.cpu.p50;
  const inits = stats.filter((stat) => stat.kind !== 'probe');
  printTable(
    ['module', 'import p50 ms', 'min', 'cpu p50 ms', 'p50 ratio', 'cpu p50 ratio', 'min ratio', 'node start→loaded p50', 'target', 'verdict'],
    inits.map((stat) => {
      const isBaseline = stat === base;
      const judged = stat.kind === 'function';
      return [
        stat.label,
        ms(stat.import.p50),
        ms(stat.import.min),
        ms(stat.cpu.p50),
        isBaseline ? '1.00×' : `${ratio(stat).toFixed(2)}×`,
        isBaseline ? '1.00×' : `${cpuRatio(stat).toFixed(2)}×`,
        // Minimums are less disturbed by other load on the machine; informational.
        isBaseline ? '1.00×' : `${(stat.import.min / base.import.min).toFixed(2)}×`,
        ms(stat.process.p50),
        judged ? `≤ ${TARGET_RATIO}×` : '',
        judged ? verdict(ratio(stat) <= TARGET_RATIO) : '',
      ];
    }),
  );
  const probes = stats.filter((stat) => stat.kind === 'probe');
  console.log('\nwhat each import adds on top of the SDK + DocumentClient (loaded first, untimed):\n');
  printTable(
    ['import', 'cpu p50 ms', 'cpu min', 'wall p50 ms', 'share of the baseline (cpu p50)'],
    probes.map((stat) => [stat.label, ms(stat.cpu.p50), ms(stat.cpu.min), ms(stat.import.p50), `${((100 * stat.cpu.p50) / base.cpu.p50).toFixed(0)}%`]),
  );
  console.log(`\nload average (1 min) ${machineLoad}`);

  const judged = inits.filter((stat) => stat.kind === 'function');
  const sorted = [...judged].sort((a, b) => ratio(a) - ratio(b));
  const worst = sorted.at(-1)!;
  const over = sorted.filter((stat) => ratio(stat) > TARGET_RATIO).map((stat) => `${stat.label} ${ratio(stat).toFixed(2)}×`);
  const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;
  const checks: Check[] = [
    {
      name: `every HTTP function's cold import / baseline (p50, ${judged.length} functions)`,
      measured: `${range(judged.map(ratio))} (worst ${worst.label}: ${ms(worst.import.p50)} vs ${ms(base.import.p50)} ms)${over.length ? `; over: ${over.join(', ')}` : ''}`,
      target: `≤ ${TARGET_RATIO}×`,
      pass: over.length === 0,
    },
    { name: 'same, CPU time (p50)', measured: `${range(judged.map(cpuRatio))} (baseline ${ms(base.cpu.p50)} ms CPU)`, target: 'report' },
    ...inits
      .filter((stat) => stat.kind === 'traced')
      .map(
        (stat): Check => ({
          name: stat.label,
          measured: `${ratio(stat).toFixed(2)}× wall, ${cpuRatio(stat).toFixed(2)}× CPU (${ms(stat.import.p50)} ms)`,
          target: 'report',
        }),
      ),
    { name: 'machine load average (1 min) before → after', measured: machineLoad, target: 'report' },
  ];
  return {
    name: 'cold',
    checks,
    data: { runs: RUNS, targetRatio: TARGET_RATIO, machineLoad, nodeBinary: process.execPath, stats, samples: Object.fromEntries(timings) },
  };
}
