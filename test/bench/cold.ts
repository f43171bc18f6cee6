import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleFunctions, bundleDir, LAYER_PACKAGES, ROOT } from '../../infra/build/bundle-functions.js';
import { bundleSharedDependencies } from '../../infra/build/bundle-layers.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { entities } from '../../shared/registry.js';
import { BENCH_OUT_DIR, type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { functionById } from './bundle-handler.js';
import { functionEnv } from './function-env.js';
import { ms, summarize } from './percentiles.js';

const run = promisify(execFile);

/** Issue target: a bundle's module init at most this many times the bare SDK's. */
const TARGET_RATIO = 1.5;
const RUNS = 15;
const BUNDLES = ['students-get', 'students-list', 'students-create'];
const BASELINE = 'baseline (SDK + DocumentClient)';

/**
 * The child: times a dynamic import (or, for the baseline, importing the two DynamoDB SDK
 * packages and building a DocumentClient) and prints it. It runs inside a Lambda-like
 * layout (see `lambdaLayout`), so packages resolve as they do in Lambda.
 */
const CHILD_SOURCE = `// Written by test/bench/cold.ts; times one cold module init.
const target = process.argv[2];
const started = performance.now();
if (target === 'baseline') {
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  DynamoDBDocumentClient.from(new DynamoDBClient({}));
} else {
  const module = await import(target);
  if (typeof module.handler !== 'function') throw new Error('bundle exports no handler');
}
const importMs = performance.now() - started;
process.stdout.write(JSON.stringify({ importMs, processMs: performance.now() }) + '\\n');
`;

interface ChildTiming {
  /** The dynamic import alone, measured inside the child. */
  importMs: number;
  /** From the child's process start to the end of the import (Node bootstrap included). */
  processMs: number;
  /** Spawn to exit, seen from the parent. */
  wallMs: number;
}

/**
 * `cold`: fresh Node processes (the Node 22 running this script, clean env like Lambda's)
 * import a function bundle N times each, interleaved with a baseline that only loads the
 * DynamoDB SDK; medians and their ratio are reported.
 */
export async function runColdBench(): Promise<BenchOutcome> {
  const fns = BUNDLES.map(functionById);
  bundleFunctions(fns);
  const layout = lambdaLayout(fns.map((fn) => fn.id));
  const childFile = path.join(layout.taskDir, 'cold-child.mjs');
  writeFileSync(childFile, CHILD_SOURCE);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...functionEnv(Object.fromEntries(entities.map((entity) => [tableDesign(entity).envVar, entity.name]))) };
  const targets = [
    { label: BASELINE, arg: 'baseline' },
    ...fns.map((fn) => ({ label: fn.id, arg: pathToFileURL(path.join(layout.taskDir, fn.id, 'index.mjs')).href })),
  ];
  const spawnChild = async (target: { label: string; arg: string }): Promise<ChildTiming> => {
    const started = performance.now();
    const { stdout } = await run(process.execPath, [childFile, target.arg], { cwd: layout.taskDir, env: { ...env, POWERTOOLS_SERVICE_NAME: target.label } });
    const wallMs = performance.now() - started;
    return { ...(JSON.parse(stdout.trim().split('\n').pop()!) as Omit<ChildTiming, 'wallMs'>), wallMs };
  };

  console.log(`node ${process.version} (${process.execPath}), ${RUNS} runs each, interleaved; one discarded warm-up round\n`);
  for (const target of targets) await spawnChild(target); // page cache, not measured
  const timings = new Map<string, ChildTiming[]>(targets.map((target) => [target.label, []]));
  for (let round = 0; round < RUNS; round++) {
    for (const target of targets) timings.get(target.label)!.push(await spawnChild(target));
  }

  const stats = targets.map((target) => {
    const series = timings.get(target.label)!;
    return {
      label: target.label,
      import: summarize(series.map((timing) => timing.importMs)),
      process: summarize(series.map((timing) => timing.processMs)),
      wall: summarize(series.map((timing) => timing.wallMs)),
    };
  });
  const baseline = stats[0]!;
  printTable(
    ['module', 'import p50 ms', 'min', 'max', 'p50 ratio', 'min ratio', 'node start→loaded p50', 'spawn→exit p50', 'target', 'verdict'],
    stats.map((stat) => {
      const ratio = stat.import.p50 / baseline.import.p50;
      const isBaseline = stat === baseline;
      return [
        stat.label,
        ms(stat.import.p50),
        ms(stat.import.min),
        ms(stat.import.max),
        isBaseline ? '1.00×' : `${ratio.toFixed(2)}×`,
        // Minimums are less disturbed by other load on the machine; informational.
        isBaseline ? '1.00×' : `${(stat.import.min / baseline.import.min).toFixed(2)}×`,
        ms(stat.process.p50),
        ms(stat.wall.p50),
        isBaseline ? '' : `≤ ${TARGET_RATIO}×`,
        isBaseline ? '' : verdict(ratio <= TARGET_RATIO),
      ];
    }),
  );
  const checks: Check[] = stats.slice(1).map((stat) => {
    const ratio = stat.import.p50 / baseline.import.p50;
    return {
      name: `${stat.label} cold import / baseline (p50)`,
      measured: `${ratio.toFixed(2)}× (${ms(stat.import.p50)} vs ${ms(baseline.import.p50)} ms; min ratio ${(stat.import.min / baseline.import.min).toFixed(2)}×)`,
      target: `≤ ${TARGET_RATIO}×`,
      pass: ratio <= TARGET_RATIO,
    };
  });
  return {
    name: 'cold',
    checks,
    data: { runs: RUNS, targetRatio: TARGET_RATIO, nodeBinary: process.execPath, stats, samples: Object.fromEntries(timings) },
  };
}

/**
 * A directory shaped like a Lambda container: bundles under `task/`, and a `node_modules/`
 * beside it where the AWS SDK (and everything else) links to the repository's packages —
 * the runtime provides those — while the layer's packages (ioredis, the X-Ray SDK) link to
 * the esbuild-bundled copies the shared-dependencies layer deploys. Loading the unbundled
 * originals from node_modules would cost ~60 ms that no Lambda pays.
 */
function lambdaLayout(functionIds: string[]): { taskDir: string } {
  const root = path.join(BENCH_OUT_DIR, 'lambda');
  rmSync(root, { recursive: true, force: true });
  const modules = path.join(root, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const layerModules = path.join(bundleSharedDependencies(), 'nodejs', 'node_modules');
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') || LAYER_PACKAGES.includes(name)) continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
  for (const name of LAYER_PACKAGES) symlinkSync(path.join(layerModules, name), path.join(modules, name));
  const taskDir = path.join(root, 'task');
  for (const id of functionIds) {
    mkdirSync(path.join(taskDir, id), { recursive: true });
    copyFileSync(path.join(bundleDir({ id }), 'index.mjs'), path.join(taskDir, id, 'index.mjs'));
  }
  return { taskDir };
}
