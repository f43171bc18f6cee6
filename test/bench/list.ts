import { rmSync } from 'node:fs';
import path from 'node:path';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { apiEvent } from './api-event.js';
import { BENCH_LOCAL_DIR, startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';
import { HOMETOWNS } from './bench-students.js';
import { functionById, loadBundleHandler } from './bundle-handler.js';
import { ensureBenchStudents } from './list-seeding.js';
import { responseText } from './response-body.js';
import { failureText, type ListBody, type ListCall, measureScenarios, type Scenario } from './list-scenarios.js';
import { ms } from './percentiles.js';
import { type CountWalk, timeSearchCountWalk } from './search-count-walk.js';

const DEFAULT_TOTAL = 100_000;
const ITERATIONS = 40;
const MIN_ITERATIONS = 30;
const WARMUP_ROUNDS = 3;
const SCENARIO_BUDGET_MS = 60_000;
const SEARCH = 'nguyen';
const CURSOR_PAGE = 500;
/** Kept database for `--keep` (re-runs skip seeding); `--fresh` wipes it first. */
const LIST_DB_DIR = path.join(BENCH_LOCAL_DIR, 'list-db');
/** Our own sanity check, not an issue target: a cursor page costs what page 1 costs. */
const CURSOR_DEPTH_RATIO = 2;

/**
 * `list`: 100,000 students in DynamoDB Local, then the students-list bundle in-process for
 * the list shapes the API offers (default and other sorts, a deep page by cursor, a filter,
 * search) plus page-number access that walks the index to find its start.
 */
export async function runListBench(flags: readonly string[]): Promise<BenchOutcome> {
  const keep = flags.includes('--keep');
  // `--students=N` for a quicker run on a busy machine (page 500 needs at least 5,000).
  const TOTAL = Number(flags.find((flag) => flag.startsWith('--students='))?.slice('--students='.length) ?? DEFAULT_TOTAL);
  if (keep && flags.includes('--fresh')) rmSync(LIST_DB_DIR, { recursive: true, force: true });
  const fn = functionById('students-list');
  bundleFunctions([fn]);
  const db = await startBenchDatabase(keep ? { dbPath: LIST_DB_DIR } : {});
  try {
    console.log(
      `DynamoDB Local ${keep ? `persistent in ${path.relative(process.cwd(), LIST_DB_DIR)} (--keep)` : 'in memory (use --keep to reuse a seeded database)'} at ${db.endpoint}`,
    );
    const seeding = await ensureBenchStudents(db, TOTAL, (line) => console.log(line));
    const tableName = db.env[tableDesign(students).envVar]!;

    const handler = await loadBundleHandler(fn, 'list');
    const list = async (query: Record<string, string>): Promise<ListCall> => {
      const event = apiEvent({ method: 'GET', route: students.routes.collection, query });
      const started = performance.now();
      const response = await handler(event);
      const elapsed = performance.now() - started;
      const status = response.statusCode ?? 200;
      return { elapsed, status, ...(status === 200 ? { body: JSON.parse(responseText(response)) as ListBody } : {}) };
    };
    const page = async (query: Record<string, string>): Promise<ListBody> => {
      const call = await list(query);
      if (!call.body) throw new Error(`list ${JSON.stringify(query)} answered ${call.status}`);
      return call.body;
    };

    // Walk the cursors once to hold the one that opens page 500.
    const walkStarted = performance.now();
    let cursor = (await page({})).next_cursor;
    for (let number = 2; number < CURSOR_PAGE && cursor; number++) cursor = (await page({ cursor })).next_cursor;
    const walkMs = performance.now() - walkStarted;
    if (!cursor) throw new Error(`the cursor chain ended before page ${CURSOR_PAGE}`);
    console.log(`walked ${CURSOR_PAGE - 1} pages by cursor in ${(walkMs / 1000).toFixed(1)} s (${ms(walkMs / (CURSOR_PAGE - 1))} ms/page)\n`);

    const hometown = HOMETOWNS[0]!;
    const scenarios: Scenario[] = [
      { name: 'page 1, default sort', query: {}, expectPage: 1 },
      { name: 'page 1, sort=-average_score', query: { sort: '-average_score' }, expectPage: 1 },
      { name: `page ${CURSOR_PAGE} via cursor`, query: { cursor }, expectPage: CURSOR_PAGE },
      { name: `page 1, hometown=${hometown}`, query: { hometown }, expectPage: 1 },
      { name: `page 1, search=${SEARCH}`, query: { search: SEARCH }, expectPage: 1, isolated: true },
      { name: 'page 50 by page number (skip walk)', query: { page: '50' }, expectPage: 50 },
      { name: `page ${CURSOR_PAGE} by page number (skip walk)`, query: { page: String(CURSOR_PAGE) }, expectPage: CURSOR_PAGE },
    ];
    console.log(
      'note: a cold search reads the whole index once (one pass counts and keeps the first matches; this bench runs without the cache, so every search is cold — `npm run bench -- search` measures the cached path); SDK "requestTimeout" warnings and "request abandoned at its time budget" logs below come from the bundle itself',
    );
    const results = await measureScenarios(scenarios, list, {
      warmupRounds: WARMUP_ROUNDS,
      iterations: ITERATIONS,
      minIterations: MIN_ITERATIONS,
      budgetMs: SCENARIO_BUDGET_MS,
    });
    // Where a search request's time goes: reading the whole index once (the search pass).
    const walks: CountWalk[] = [];
    for (let run = 0; run < 3; run++) walks.push(await timeSearchCountWalk(db.doc, tableName, SEARCH));
    const walk = walks.sort((a, b) => a.ms - b.ms)[1]!;

    console.log('');
    printTable(
      ['request (page_size 10)', 'n', 'p50 ms', 'p95 ms', 'max ms', 'total', 'not 200'],
      results.map((result) => [
        result.name,
        String(result.stats.n),
        ms(result.stats.p50),
        ms(result.stats.p95),
        ms(result.stats.max),
        String(result.total ?? '-'),
        failureText(result.failures) || '-',
      ]),
    );
    for (const result of results.filter((candidate) => candidate.note)) console.log(`  note: ${result.name}: ${result.note}`);
    console.log(
      `  search pass: every search reads the whole index once — as COUNT queries, one shard after another, that walk takes ${ms(walk.ms)} ms (median of 3): ${walk.pages} pages, ${walk.scanned} items scanned, ${walk.count} matches`,
    );
    if (seeding.mode === 'seeded') {
      console.log(
        `\nseeding: ${seeding.items} items in ${(seeding.ms! / 1000).toFixed(1)} s = ${Math.round(seeding.itemsPerSecond!)} items/s (after a ${seeding.jvmWarmup!.items}-item JVM warm-up at ${Math.round(seeding.jvmWarmup!.itemsPerSecond)} items/s)`,
      );
    }

    const [first, , deep] = results;
    const depthRatio = deep!.stats.p50 / first!.stats.p50;
    const failed = results.filter((result) => Object.keys(result.failures).length > 0);
    const checks: Check[] = [
      ...(seeding.mode === 'seeded'
        ? [
            {
              name: 'seeding throughput',
              measured: `${Math.round(seeding.itemsPerSecond!)} items/s, ${(seeding.ms! / 1000).toFixed(1)} s`,
              target: 'none (info)',
            },
          ]
        : []),
      ...results.map((result) => ({ name: result.name, measured: `p50 ${ms(result.stats.p50)} / p95 ${ms(result.stats.p95)} ms`, target: 'none (info)' })),
      {
        name: 'every measured list request answered 200',
        measured: failed.length === 0 ? 'all 200' : failed.map((result) => `${result.name}: ${failureText(result.failures)} of ${result.stats.n}`).join('; '),
        target: '0 failures',
        pass: failed.length === 0,
      },
      {
        name: `cursor page ${CURSOR_PAGE} p50 / page 1 p50 (bench check)`,
        measured: `${depthRatio.toFixed(2)}×`,
        target: `≤ ${CURSOR_DEPTH_RATIO}×`,
        pass: depthRatio <= CURSOR_DEPTH_RATIO,
      },
    ];
    return {
      name: 'list',
      checks,
      data: {
        database: keep ? { mode: 'persistent', dbPath: LIST_DB_DIR } : { mode: 'in-memory' },
        seeding,
        cursorWalk: { pages: CURSOR_PAGE - 1, ms: walkMs },
        searchCountWalk: { search: SEARCH, median: walk, runs: walks },
        scenarios: results,
      },
    };
  } finally {
    await db.stop();
  }
}
