import type { ChaosResponse, ChaosStack } from './chaos-stack.js';

/** One assertion of a scenario, printed as a row of the table. */
export interface ChaosCheck {
  check: string;
  pass: boolean;
  detail: string;
}

/** Shapes of a leaked stack trace or error rendering (the same list as the e2e problem assertions). */
const LEAK_PATTERNS = [/\bat (?:async )?[^\s"(]+ \([^)"]*:\d+:\d+\)/, /\bat (?:async )?(?:file|node):/, /\.(?:[cm]?js|ts):\d+:\d+/, /\bError:/, /"stack"\s*:/];
/** What an error body must not name either: the dependency's socket error or address. */
const ERROR_LEAK_PATTERNS = [/ECONN|EPIPE|socket hang up|127\.0\.0\.1:\d+/];

/** Collects the checks of one scenario; a scenario never throws on a failed check, it records it. */
export class ChaosChecks {
  readonly results: ChaosCheck[] = [];

  /** Records `check`; `detail` says what was seen (printed for passes too). */
  expect(check: string, pass: boolean, detail = ''): boolean {
    this.results.push({ check, pass, detail });
    return pass;
  }

  /**
   * Every response is one of `allowed`, and anything 5xx is exactly the documented
   * dependency answer: 503 problem+json with a numeric Retry-After and no leaked internals.
   */
  expectDocumented(check: string, responses: readonly ChaosResponse[], allowed: readonly number[]): boolean {
    const counts = statusCounts(responses);
    const wrong = responses.filter((res) => !allowed.includes(res.status) || (res.status >= 500 && !isRetryable503(res)) || leaks(res));
    const sample = wrong[0] ? ` first bad: ${wrong[0].status} ${wrong[0].text.slice(0, 160)}` : '';
    return this.expect(check, responses.length > 0 && wrong.length === 0, `${formatCounts(counts)}${sample}`);
  }
}

/** 503 problem+json with `Retry-After: <seconds>` and nothing internal in the body. */
export function isRetryable503(res: ChaosResponse): boolean {
  return (
    res.status === 503 &&
    res.headers.get('content-type') === 'application/problem+json; charset=utf-8' &&
    /^\d+$/.test(res.headers.get('retry-after') ?? '') &&
    res.body?.status === 503 &&
    !leaks(res)
  );
}

/** A stack frame or error rendering in any body; a socket error or address in an error body. */
export function leaks(res: Pick<ChaosResponse, 'status' | 'text'>): boolean {
  const patterns = res.status >= 400 ? [...LEAK_PATTERNS, ...ERROR_LEAK_PATTERNS] : LEAK_PATTERNS;
  return patterns.some((pattern) => pattern.test(res.text));
}

export function statusCounts(responses: readonly ChaosResponse[]): Record<number, number> {
  return responses.reduce<Record<number, number>>((counts, res) => {
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    return counts;
  }, {});
}

export function formatCounts(counts: Record<number, number>): string {
  return Object.entries(counts)
    .map(([status, count]) => `${count}×${status}`)
    .join(' ');
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; resolves to the last answer. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `inputs` with at most `limit` in flight, keeping input order. */
export async function inLanes<T, R>(inputs: readonly T[], limit: number, work: (input: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, inputs.length) }, async () => {
      while (next < inputs.length) {
        const index = next++;
        results[index] = await work(inputs[index]!, index);
      }
    }),
  );
  return results;
}

/** `3×200 1×503`: the statuses of a set of responses. */
export function statusLine(responses: readonly ChaosResponse[]): string {
  return formatCounts(statusCounts(responses));
}

/** Retries a request on 503 after its Retry-After (capped at 2 s here), as a well-behaved client does; returns every attempt. */
export async function withRetries(send: () => Promise<ChaosResponse>, attempts = 6): Promise<ChaosResponse[]> {
  const seen: ChaosResponse[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const res = await send();
    seen.push(res);
    if (res.status !== 503) break;
    await sleep(Math.min(2_000, Number(res.headers.get('retry-after') ?? 1) * 1000) * Math.random() + 100);
  }
  return seen;
}

/** The statuses an import job ends in. */
export const FINAL_IMPORT_STATUSES = new Set(['completed', 'completed_with_errors', 'failed']);

/** Polls `GET /api/v1/imports/{id}` every `everyMs` until the job ends or `timeoutMs` passes; the last answer (undefined if none came). */
export async function importFinished(chaos: ChaosStack, id: string, timeoutMs: number, everyMs: number): Promise<ChaosResponse | undefined> {
  let last: ChaosResponse | undefined;
  await eventually(
    async () => {
      last = await chaos.request('GET', `/api/v1/imports/${id}`, { as: 'viewer' });
      return FINAL_IMPORT_STATUSES.has(last.body?.status);
    },
    timeoutMs,
    everyMs,
  );
  return last;
}

/** `completed: created 200, errors 0, rows 200`: an import job's answer for a check's detail. */
export const describeImport = (res: ChaosResponse | undefined) =>
  res
    ? `${res.body?.status}: created ${res.body?.created}, errors ${res.body?.errors}, rows ${res.body?.rows_processed}${res.body?.message ? `, "${res.body.message}"` : ''}`
    : 'no answer';
