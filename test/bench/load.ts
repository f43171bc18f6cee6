import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import { mintLocalToken } from '../../infra/local/local-identity.js';
import { type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import { BENCH_LOCAL_DIR } from './bench-database.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';

const SEED_STUDENTS = 1_000;
const DURATION_SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 16);
/** A hard cap besides the duration: the run stops by itself either way. */
const MAX_REQUESTS = 200_000;
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
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack({ port: 0, s3Port: 0, dataDir: path.join(BENCH_LOCAL_DIR, `load-${randomBytes(3).toString('hex')}`), fresh: true, log: () => undefined });
    const authorization = `Bearer ${await mintLocalToken(stack.identity, { role: 'staff', sub: 'bench-load' })}`;
    const ids = Array.from({ length: SEED_STUDENTS }, (_, i) => `L${String(i).padStart(5, '0')}`);
    // Seeded through the synchronous import door in slices that finish well inside its 29 s budget on a busy machine.
    const header = 'student_id,first_name,last_name,email,hometown,math_score,literature_score,english_score';
    for (let start = 0; start < ids.length; start += 200) {
      const rows = ids.slice(start, start + 200).map((id, k) => {
        const i = start + k;
        return `${id},Học,Sinh ${i},s${i}@school.test,${HOMETOWNS[i % HOMETOWNS.length]},${i % 11},${(i * 3) % 11},${(i * 7) % 11}`;
      });
      const seeded = await fetch(`${stack.url}/api/v1/students/bulk-import`, { method: 'POST', headers: { authorization, 'content-type': 'text/csv' }, body: [header, ...rows].join('\n') });
      if (seeded.status !== 200) throw new Error(`seeding: bulk-import → ${seeded.status} ${await seeded.text()}`);
    }

    let created = 0;
    const kinds = { get: 0, list: 0, create: 0 };
    const statuses = new Map<number, number>();
    const result = await autocannon({
      url: stack.url,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      amount: MAX_REQUESTS,
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
              const sort = ['student_id', '-average_score', 'last_name', 'math_score'][Math.floor(Math.random() * 4)]!;
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
              body: JSON.stringify({ student_id: `N${process.pid}${String(n).padStart(7, '0')}`, first_name: 'Tải', last_name: `Thử ${n}`, hometown: HOMETOWNS[n % HOMETOWNS.length], math_score: n % 11 }),
            };
          },
        },
      ],
    });
    for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statuses.set(Number(code), (stats as { count: number }).count);
    const total = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    const fiveXx = [...statuses].filter(([code]) => code >= 500).reduce((sum, [, n]) => sum + n, 0);
    const limited = statuses.get(429) ?? 0;

    printTable(
      ['metric', 'value'],
      [
        ['requests (GET id / list / create)', `${total} (${kinds.get} / ${kinds.list} / ${kinds.create})`],
        ['requests/s (mean)', result.requests.average.toFixed(0)],
        ['latency p50 / p99 / max', `${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms`],
        ['status codes', [...statuses].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`).join(' ')],
        ['connection errors / timeouts', `${result.errors} / ${result.timeouts}`],
      ],
    );
    const checks: Check[] = [
      { name: '5xx responses', measured: String(fiveXx), target: '0', pass: fiveXx === 0 },
      { name: 'connection errors + timeouts', measured: String(result.errors + result.timeouts), target: '0', pass: result.errors + result.timeouts === 0 },
      { name: 'requests/s (70% get, 20% list, 10% create)', measured: `${result.requests.average.toFixed(0)}/s`, target: 'report' },
      { name: 'latency p50 / p99', measured: `${result.latency.p50} / ${result.latency.p99} ms`, target: 'report' },
      { name: '429 (rate limited)', measured: String(limited), target: 'report' },
    ];
    return {
      name: 'load',
      checks,
      data: { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, kinds, statuses: Object.fromEntries(statuses), requestsPerSecond: result.requests.average, latency: result.latency, errors: result.errors, timeouts: result.timeouts },
    };
  } finally {
    await stack?.stop();
  }
}
