import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { mintLocalToken } from '../../infra/local/local-identity.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { BENCH_LOCAL_DIR } from './bench-database.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';
import { withDeadline } from './with-deadline.js';

const SEED_STUDENTS = 1_000;
const DURATION_SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 16);
/**
 * A hard cap besides the duration: the run stops at whichever comes first. (autocannon's
 * `amount` would override `duration` and run until that many answers arrived: the "hang"
 * of an earlier version, 200k requests at a few hundred per second.)
 */
const MAX_REQUESTS = 200_000;
/** Whole bench (stack start, seeding, load, shutdown): past this it fails naming the stalled step. */
const DEADLINE_SECONDS = Number(process.env.LOAD_DEADLINE_SECONDS ?? DURATION_SECONDS + 240);
/** An answer later than this counts as a timeout (autocannon's per-request limit). */
const REQUEST_TIMEOUT_SECONDS = 10;
const HOMETOWNS = ['Hà Nội', 'Huế', 'Đà Nẵng', 'Hải Phòng', 'Cần Thơ', 'Nha Trang'];

/**
 * `load`: autocannon against the local gateway (`npm start`'s composition, bundles and all)
 * with a realistic mix — 70% GET by id, 20% list pages (sorts, hometown filter, cursor-free
 * page 1), 10% creates — bounded in time and request count. Reports p50/p99, requests/s,
 * and status codes; any 5xx is a failure (429s are counted, not failed: the limiter works).
 */
export async function runLoadBench(): Promise<BenchOutcome> {
  // Every request comes from one token: the deployed per-caller limits would make this a rate-limit test.
  process.env.RATE_LIMIT_SCALE = process.env.LOAD_RATE_LIMIT_SCALE ?? '1000';
  const deadline = Date.now() + DEADLINE_SECONDS * 1000;
  let step = 'the local stack to start';
  const waitingFor = () => `${step} (LOAD_DEADLINE_SECONDS=${DEADLINE_SECONDS} for the whole bench)`;
  let stack: LocalStack | undefined;
  try {
    stack = await withDeadline(
      startLocalStack({ port: 0, s3Port: 0, dataDir: path.join(BENCH_LOCAL_DIR, `load-${randomBytes(3).toString('hex')}`), fresh: true, log: () => undefined }),
      deadline,
      waitingFor,
    );
    console.log(`local stack up at ${stack.url}; seeding ${SEED_STUDENTS} students`);
    const authorization = `Bearer ${await mintLocalToken(stack.identity, { role: 'staff', sub: 'bench-load' })}`;
    const ids = Array.from({ length: SEED_STUDENTS }, (_, i) => `L${String(i).padStart(5, '0')}`);
    // Seeded through the synchronous import door in slices that finish well inside its 29 s budget on a busy machine.
    const header = 'student_id,first_name,last_name,email,hometown,math_score,literature_score,english_score';
    for (let start = 0; start < ids.length; start += 200) {
      const rows = ids.slice(start, start + 200).map((id, k) => {
        const i = start + k;
        return `${id},Học,Sinh ${i},s${i}@school.test,${HOMETOWNS[i % HOMETOWNS.length]},${i % 11},${(i * 3) % 11},${(i * 7) % 11}`;
      });
      step = `seeding students ${start}–${start + rows.length - 1} through POST /students/bulk-import`;
      const seeded = await withDeadline(
        fetch(`${stack.url}/api/v1/students/bulk-import`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'text/csv' },
          body: [header, ...rows].join('\n'),
          signal: AbortSignal.timeout(60_000),
        }),
        deadline,
        waitingFor,
      );
      if (seeded.status !== 200) throw new Error(`seeding: bulk-import → ${seeded.status} ${await seeded.text()}`);
    }

    let created = 0;
    const kinds = { get: 0, list: 0, create: 0 };
    const statuses = new Map<number, number>();
    console.log(`seeded; autocannon: ${CONNECTIONS} connections for ${DURATION_SECONDS} s (at most ${MAX_REQUESTS} requests)`);
    step = `autocannon (${DURATION_SECONDS} s, ${CONNECTIONS} connections) to finish`;
    const url = stack.url;
    let load: autocannon.Instance | undefined;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      load = autocannon(
        {
          url,
          connections: CONNECTIONS,
          duration: DURATION_SECONDS,
          maxOverallRequests: MAX_REQUESTS,
          timeout: REQUEST_TIMEOUT_SECONDS,
          headers: { authorization },
          requests: [
            {
              setupRequest: (request) => {
                const roll = Math.random();
                if (roll < 0.7) {
                  kinds.get++;
                  return { ...request, method: 'GET', path: `/api/v1/students/${ids[Math.floor(Math.random() * ids.length)]}` };
                }
                if (roll < 0.9) {
                  kinds.list++;
                  const sort = ['student_id', '-average_score', 'last_name', '-created_at'][Math.floor(Math.random() * 4)]!;
                  const hometown = Math.random() < 0.3 ? `&hometown=${encodeURIComponent(HOMETOWNS[Math.floor(Math.random() * HOMETOWNS.length)]!)}` : '';
                  return { ...request, method: 'GET', path: `/api/v1/students?sort=${encodeURIComponent(sort)}&page_size=20${hometown}` };
                }
                kinds.create++;
                const n = created++;
                return {
                  ...request,
                  method: 'POST',
                  path: '/api/v1/students',
                  headers: { ...request.headers, 'content-type': 'application/json' },
                  body: JSON.stringify({
                    student_id: `N${process.pid}${String(n).padStart(7, '0')}`,
                    first_name: 'Tải',
                    last_name: `Thử ${n}`,
                    hometown: HOMETOWNS[n % HOMETOWNS.length],
                    math_score: n % 11,
                  }),
                };
              },
            },
          ],
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
    // The run ends on its own at `duration`; the deadline only catches a stall (it stops autocannon too).
    const loadBefore = loadavg()[0]!;
    const result = await withDeadline(finished, Math.min(deadline, Date.now() + (DURATION_SECONDS + 60) * 1000), waitingFor, () => load?.stop());
    // The machine's 1-minute load average around the run: the figures move with it on shared cores.
    const machineLoad = `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
    for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statuses.set(Number(code), (stats as { count: number }).count);
    const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    const fiveXx = [...statuses].filter(([code]) => code >= 500).reduce((sum, [, n]) => sum + n, 0);
    const limited = statuses.get(429) ?? 0;
    // The mix sends only valid requests: any other 4xx is a bug in the bench or the API.
    const unexpected4xx = [...statuses].filter(([code]) => code >= 400 && code < 500 && code !== 429).reduce((sum, [, n]) => sum + n, 0);

    printTable(
      ['metric', 'value'],
      [
        ['requests (GET id / list / create)', `${total} (${kinds.get} / ${kinds.list} / ${kinds.create})`],
        ['requests/s (mean)', result.requests.average.toFixed(0)],
        ['latency p50 / p99 / max', `${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms`],
        [
          'status codes',
          [...statuses]
            .sort(([a], [b]) => a - b)
            .map(([code, n]) => `${code}×${n}`)
            .join(' '),
        ],
        ['connection errors / timeouts', `${result.errors} / ${result.timeouts}`],
        ['load average (1 min) before → after', machineLoad],
      ],
    );
    const checks: Check[] = [
      { name: '5xx responses', measured: String(fiveXx), target: '0', pass: fiveXx === 0 },
      { name: '4xx other than 429', measured: String(unexpected4xx), target: '0', pass: unexpected4xx === 0 },
      { name: 'connection errors + timeouts', measured: String(result.errors + result.timeouts), target: '0', pass: result.errors + result.timeouts === 0 },
      { name: 'requests/s (70% get, 20% list, 10% create)', measured: `${result.requests.average.toFixed(0)}/s`, target: 'report' },
      { name: 'latency p50 / p99', measured: `${result.latency.p50} / ${result.latency.p99} ms`, target: 'report' },
      { name: '429 (rate limited)', measured: String(limited), target: 'report' },
      { name: 'machine load average (1 min) before → after', measured: machineLoad, target: 'report' },
    ];
    return {
      name: 'load',
      checks,
      data: {
        machineLoad,
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        kinds,
        statuses: Object.fromEntries(statuses),
        requestsPerSecond: result.requests.average,
        latency: result.latency,
        errors: result.errors,
        timeouts: result.timeouts,
      },
    };
  } finally {
    step = 'the local stack to stop';
    if (stack) await withDeadline(stack.stop(), Math.max(deadline, Date.now() + 30_000), waitingFor);
  }
}
