import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { type BenchOutcome, printChecks, writeOutcome, writeResults } from './bench-report.js';

/**
 * `npm run bench` runs every benchmark; `npm run bench -- size|cold|warm|list|http|cache` runs one (or
 * several). Missed targets are printed loudly but do not fail the run: only a crash exits
 * non-zero. Results go to `.build/bench/<name>.json`.
 */
const BENCHES: Record<string, { about: string; run: (args: string[]) => Promise<BenchOutcome> }> = {
  size: { about: 'minified bundle size per function', run: async () => (await import('./size.js')).runSizeBench() },
  cold: { about: 'cold module init vs bare AWS SDK', run: async () => (await import('./cold.js')).runColdBench() },
  warm: { about: 'warm GET through the handler vs raw GetItem', run: async () => (await import('./warm.js')).runWarmBench() },
  list: { about: 'list latencies over 100k students', run: async (args) => (await import('./list.js')).runListBench(args) },
  search: {
    about: 'search over 100k students: 30 terms, 504s, page 1 p50/p95, page 2 p50 (--keep: .local/bench/search-db)',
    run: async (args) => (await import('./search.js')).runSearchBench(args),
  },
  http: { about: 'compressed list page size and compression latency', run: async () => (await import('./http.js')).runHttpBench() },
  cache: { about: 'GET by id: cache hit vs DynamoDB; authorizer cost per request', run: async () => (await import('./cache.js')).runCacheBench() },
  'cache-writes': {
    about: 'item hit rate and L1 hit cost while other students are written at 20/s',
    run: async () => (await import('./cache-writes.js')).runCacheWritesBench(),
  },
  'bulk-write': {
    about: 'BatchWriteItem into the real table shape vs a bare table (8 writers)',
    run: async (args) => (await import('./bulk-write.js')).runBulkWriteBench(args),
  },
  'concurrent-create': {
    about: '16 concurrent creators: errors, 503s, throughput',
    run: async (args) => (await import('./concurrent-create.js')).runConcurrentCreateBench(args),
  },
  'import-parse': {
    about: 'import parse+clean+validate of 1M CSV rows; 200k-row XLSX vs bare exceljs',
    run: async () => (await import('./import-parse.js')).runImportParseBench(),
  },
  s3: { about: 'local S3 endpoint: 256 MB put/multipart/get throughput and peak RSS', run: async () => (await import('./local-s3.js')).runLocalS3Bench() },
  load: {
    about: 'HTTP load on the local gateway with autocannon: 70% GET by id, 20% list, 10% create (LOAD_SECONDS, LOAD_CONNECTIONS)',
    run: async () => (await import('./load.js')).runLoadBench(),
  },
  saga: {
    about: 'orders/s end to end on the local stack, POST → completed p50/p99 (SAGA_BENCH_ORDERS, SAGA_BENCH_CONCURRENCY)',
    run: async () => (await import('./saga.js')).runSagaBench(),
  },
  'saga-match': {
    about: 'local EventBridge: event × rule matches per second, PutEvents throughput',
    run: async () => (await import('./saga-match.js')).runSagaMatchBench(),
  },
  'event-sources': {
    about: 'local SQS / stream event source mappings: throughput, latency',
    run: async () => (await import('./event-sources.js')).runEventSourcesBench(),
  },
  import: {
    about:
      'CSV through the local S3 door into DynamoDB Local (alias import-s3; --rows=5000,100000 --timeout=S): rows/s upload → job finished vs raw BatchWrite ceiling, importer RSS, parse rate',
    run: async (args) => (await import('./import-s3.js')).runImportS3Bench(args),
  },
  export: { about: '1M-row CSV export (RSS, rows/s); 200k-row XLSX vs bare exceljs', run: async () => (await import('./export.js')).runExportBench() },
};

/** Other names a bench answers to (the file it lives in). */
const ALIASES: Record<string, string> = { 'import-s3': 'import' };
/** Flags that take a value, also accepted as `--flag value`. */
const VALUE_FLAGS = new Set(['--rows', '--timeout']);

const args = process.argv
  .slice(2)
  .flatMap((arg, i, all) => (VALUE_FLAGS.has(arg) && all[i + 1] !== undefined ? [] : VALUE_FLAGS.has(all[i - 1] ?? '') ? [`${all[i - 1]}=${arg}`] : [arg]));
const flags = args.filter((arg) => arg.startsWith('--'));
const names = [...new Set(args.filter((arg) => !arg.startsWith('--')).map((name) => ALIASES[name] ?? name))];
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0 || flags.includes('--help')) {
  (unknown.length > 0 ? console.error : console.log)(
    `usage: npm run bench [-- <name>...] [--keep [--fresh]] [--rows=N[,N...]] [--timeout=SECONDS]\n  --keep     list: seed into .local/bench/list-db and reuse it next time; --fresh wipes it\n  --rows     import: row counts to run (default 5000,100000; 1m accepted)\n  --timeout  import: seconds one size may take, upload to job finished (default 60 + 5 ms a row)\n${Object.entries(
      BENCHES,
    )
      .map(([name, bench]) => `  ${name.padEnd(5)} ${bench.about}`)
      .join('\n')}`,
  );
  process.exit(unknown.length > 0 ? 2 : 0);
}

const selected = names.length > 0 ? names : Object.keys(BENCHES);
const outcomes: BenchOutcome[] = [];
const crashed: { name: string; error: unknown }[] = [];
const started = performance.now();

for (const name of selected) {
  console.log(`\n=== bench: ${name} — ${BENCHES[name]!.about} ===\n`);
  const benchStarted = performance.now();
  try {
    const outcome = await BENCHES[name]!.run(flags);
    const file = writeOutcome(outcome);
    outcomes.push(outcome);
    console.log(`\n${name}: ${((performance.now() - benchStarted) / 1000).toFixed(1)} s, results in ${path.relative(ROOT, file)}`);
  } catch (error) {
    crashed.push({ name, error });
    console.error(`\n${name} CRASHED:`, error);
  }
}

console.log(`\n=== summary (${((performance.now() - started) / 1000).toFixed(1)} s) ===\n`);
for (const outcome of outcomes) {
  console.log(`[${outcome.name}]`);
  printChecks(outcome.checks);
  console.log('');
}
const missed = outcomes.flatMap((outcome) => outcome.checks.filter((check) => check.pass === false).map((check) => `${outcome.name}: ${check.name}`));
if (missed.length > 0) {
  console.log(`!!!!!!!! ${missed.length} TARGET(S) MISSED !!!!!!!!\n${missed.map((line) => `  ✗ ${line}`).join('\n')}\n`);
} else if (outcomes.length > 0) {
  console.log('all targets met\n');
}
if (outcomes.length > 0) {
  const { json, markdown } = writeResults(
    outcomes,
    crashed.map(({ name }) => name),
  );
  console.log(`all figures: ${path.relative(ROOT, json)} and ${path.relative(ROOT, markdown)}`);
}
for (const { name } of crashed) console.error(`${name}: CRASHED (see above)`);
// Open sockets or timers left by imported bundles must not keep the run alive.
process.exit(crashed.length > 0 ? 1 : 0);
