import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { probeRedis } from '../../shared/cache/redis/redis-client.js';
import { students } from '../../shared/students/students.entity.js';
import { apiEvent } from './api-event.js';
import { BENCH_LOCAL_DIR, startBenchDatabase } from './bench-database.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';
import { functionById, loadBundleHandler } from './bundle-handler.js';
import { ensureBenchStudents } from './list-seeding.js';
import { ms, summarize } from './percentiles.js';
import { responseText } from './response-body.js';

const DEFAULT_TOTAL = 100_000;
/** Kept database for `--keep` (re-runs skip seeding); `--fresh` wipes it first. */
const SEARCH_DB_DIR = path.join(BENCH_LOCAL_DIR, 'search-db');
const PAGE2_TARGET_MS = 100;
/** How long the bench waits for one term's pass to finish before the next term. */
const SETTLE_LIMIT_MS = 120_000;

/**
 * 30 distinct terms over the bench roster (test/bench/bench-students.ts): last names (1 in
 * 10 each), first names (1 in 20), id and e-mail fragments from thousands of matches down
 * to one, and one that matches nothing — common and rare searches alike.
 */
export const SEARCH_TERMS = [
  'nguyen',
  'tran',
  'pham',
  'smith',
  'rossi',
  'sato',
  'petrov',
  "o'brien",
  'garcía',
  'le',
  'minh',
  'lan',
  'emma',
  'farid',
  'giulia',
  'hana',
  'ivan',
  'josé',
  'khoa',
  'olga',
  'phúc',
  'quân',
  'rosa',
  'st0420',
  'st09',
  's777',
  'st01234',
  's54321@',
  'example.edu',
  'zzz-nobody',
];

interface Call {
  status: number;
  ms: number;
  total?: number;
  estimated?: boolean;
  cursor?: string | null;
}

/**
 * `search`: 100,000 students in DynamoDB Local, the students-list bundle in-process with the
 * cache on (Redis at BENCH_REDIS_URL / REDIS_URL / 127.0.0.1:6379, else the in-memory L2), and
 * 30 distinct search terms, each asked once cold (page 1), then page 2 and page 3 by cursor,
 * then — once the term's pass has finished — page 2 again. Reports 504s, page-1 p50/p95,
 * page-2 p50 (both ways) and the load average it ran under.
 */
export async function runSearchBench(flags: readonly string[]): Promise<BenchOutcome> {
  const keep = flags.includes('--keep');
  const TOTAL = Number(flags.find((flag) => flag.startsWith('--students='))?.slice('--students='.length) ?? DEFAULT_TOTAL);
  if (keep && flags.includes('--fresh')) (await import('node:fs')).rmSync(SEARCH_DB_DIR, { recursive: true, force: true });
  const fn = functionById('students-list');
  bundleFunctions([fn]);
  const db = await startBenchDatabase(keep ? { dbPath: SEARCH_DB_DIR } : {});
  try {
    // Seeding speed is not what this bench measures: no JVM warm-up table.
    const seeding = await ensureBenchStudents(db, TOTAL, (line) => console.log(line), { jvmWarmup: false });
    const redisUrl = process.env.BENCH_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';
    const redis = await probeRedis(redisUrl);
    // The bundle builds its cache from the environment at its first request.
    Object.assign(
      process.env,
      redis.ok ? { REDIS_URL: redisUrl, CACHE_KEY_PREFIX: `bench:search:${randomBytes(4).toString('hex')}:` } : { REDIS_URL: '', CACHE_BACKEND: 'memory' },
    );
    const cacheText = redis.ok ? `Redis at ${redisUrl}` : `in-memory L2 (no Redis: ${redis.reason})`;
    console.log(`${TOTAL} students; cache: ${cacheText}; ${SEARCH_TERMS.length} terms, each page 1 (cold) then pages 2 and 3 by cursor`);
    const handler = await loadBundleHandler(fn, 'search');
    const list = async (query: Record<string, string>): Promise<Call> => {
      const started = performance.now();
      const response = await handler(apiEvent({ method: 'GET', route: students.routes.collection, query }));
      const elapsed = performance.now() - started;
      const status = response.statusCode ?? 200;
      if (status !== 200) return { status, ms: elapsed };
      const body = JSON.parse(responseText(response)) as { total: number; total_estimated?: boolean; next_cursor: string | null };
      return { status, ms: elapsed, total: body.total, estimated: body.total_estimated === true, cursor: body.next_cursor };
    };

    // One warm-up search (not a measured term) so the bundle's init and the JVM are warm; its
    // pass goes on after the early answer, so wait for it as for every term below.
    await settle('warmup-term', await list({ search: 'warmup-term' }));
    /** Asks page 1 again every 500 ms until its total is exact (the term's pass has ended). */
    async function settle(term: string, first: Call): Promise<Call> {
      const started = performance.now();
      let settled = first;
      while ((settled.estimated || settled.status !== 200) && performance.now() - started < SETTLE_LIMIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        settled = await list({ search: term });
      }
      return settled;
    }
    const load = { before: loadavg() };
    const rows: { term: string; page1: Call; later: Call[]; settledMs: number; cached?: Call }[] = [];
    for (const term of SEARCH_TERMS) {
      const page1 = await list({ search: term });
      const later: Call[] = [];
      let cursor = page1.cursor;
      for (let page = 2; page <= 3 && cursor; page++) {
        const call = await list({ cursor });
        later.push(call);
        cursor = call.cursor;
      }
      // Like a user reading page 1: the pass finishes (not measured), then page 2 again.
      const settleStarted = performance.now();
      const settled = await settle(term, page1);
      const settledMs = performance.now() - settleStarted;
      const cached = page1.cursor ? await list({ cursor: page1.cursor }) : undefined;
      rows.push({ term, page1, later, settledMs, cached });
      console.log(
        `  ${term.padEnd(12)} page 1 ${ms(page1.ms).padStart(8)} ms (${page1.status}, total ${page1.total ?? '-'}${page1.estimated ? ' estimated' : ''})  ${later.map((call, i) => `page ${i + 2} ${ms(call.ms)} ms (${call.status}${call.estimated ? ', est.' : ''})`).join('  ')}  exact total ${settled.total ?? '-'} after ${ms(settledMs)} ms${cached ? `; page 2 again ${ms(cached.ms)} ms (${cached.status})` : ''}`,
      );
    }
    const after = loadavg();

    const all = rows.flatMap((row) => [row.page1, ...row.later, ...(row.cached ? [row.cached] : [])]);
    const timeouts = all.filter((call) => call.status === 504).length;
    const failures = all.filter((call) => call.status !== 200).length;
    const page1 = summarize(rows.map((row) => row.page1.ms));
    const page2 = summarize(rows.flatMap((row) => row.later.slice(0, 1).map((call) => call.ms)));
    const page2plus = summarize(rows.flatMap((row) => row.later.map((call) => call.ms)));
    const page2cached = summarize(rows.flatMap((row) => (row.cached ? [row.cached.ms] : [])));
    const estimated = rows.filter((row) => row.page1.estimated).length;
    const loadText = `load average ${load.before.map((n) => n.toFixed(1)).join(' / ')} before, ${after.map((n) => n.toFixed(1)).join(' / ')} after (1 / 5 / 15 min), 2 cores`;
    console.log('');
    printTable(
      ['request', 'n', 'p50 ms', 'p95 ms', 'max ms'],
      [
        ['page 1, cold (answers once its page is sure; the pass goes on)', page1],
        ['page 2 by cursor right after page 1', page2],
        ['pages 2 and 3 by cursor', page2plus],
        ['page 2 again once the count is exact (cached answer)', page2cached],
      ].map(([name, stat]) => {
        const s = stat as ReturnType<typeof summarize>;
        return [name as string, String(s.n), ms(s.p50), ms(s.p95), ms(s.max)];
      }),
    );
    console.log(
      `\n${timeouts} × 504, ${failures} not 200 over ${all.length} requests; ${estimated} page-1 totals estimated (pass stopped at its budget); ${loadText}`,
    );

    const checks: Check[] = [
      {
        name: `504s over ${SEARCH_TERMS.length} distinct search terms (${all.length} requests)`,
        measured: `${timeouts} (${failures} not 200)`,
        target: '0',
        pass: timeouts === 0 && failures === 0,
      },
      { name: 'page 1 of a search, cold (p50 / p95)', measured: `${ms(page1.p50)} / ${ms(page1.p95)} ms; ${estimated} estimated totals`, target: 'report' },
      {
        name: 'page 2 of a search by cursor, right after page 1 (p50)',
        measured: `${ms(page2.p50)} ms (p95 ${ms(page2.p95)}; pages 2–3 p50 ${ms(page2plus.p50)})`,
        target: `≤ ${PAGE2_TARGET_MS} ms`,
        pass: page2.p50 <= PAGE2_TARGET_MS,
      },
      {
        name: 'page 2 again once the count is exact (p50)',
        measured: `${ms(page2cached.p50)} ms (p95 ${ms(page2cached.p95)})`,
        target: `≤ ${PAGE2_TARGET_MS} ms`,
        pass: page2cached.p50 <= PAGE2_TARGET_MS,
      },
      { name: 'machine load during the run', measured: loadText, target: 'none (info)' },
    ];
    return {
      name: 'search',
      checks,
      data: { students: TOTAL, cache: cacheText, seeding, load: { before: load.before, after }, page1, page2, page2plus, page2cached, rows },
    };
  } finally {
    await db.stop();
  }
}
