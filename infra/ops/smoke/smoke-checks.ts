import { randomBytes } from 'node:crypto';

/** What a smoke run is pointed at. */
export interface SmokeOptions {
  /** Base URL of the API: the stack output `ApiUrl`, or `http://127.0.0.1:3000` for `npm start`. */
  readonly url: string;
  /** A bearer token (any role). Without one only the anonymous checks run. */
  readonly token?: string;
  /** An origin the stage admits (`-c allowedOrigins`): its preflight must be allowed. */
  readonly origin?: string;
  /** Skip the create/read/delete of a throw-away student (read-only smoke of a live stage). */
  readonly readOnly?: boolean;
  /** Per request. @default 10 000 ms */
  readonly timeoutMs?: number;
}

export type SmokeStatus = 'pass' | 'fail' | 'skip';

export interface SmokeResult {
  readonly name: string;
  readonly status: SmokeStatus;
  /** Why it failed or was skipped; what it saw when it passed. */
  readonly detail: string;
  readonly ms: number;
}

/** An origin no stage may admit (`.invalid` is reserved and never resolves). */
export const FOREIGN_ORIGIN = 'https://smoke-check.invalid';

const STUDENTS = '/api/v1/students';

/** Headers every answer carries (shared/http/security-headers.ts, the handler factory). */
const SECURITY_HEADERS: Record<string, RegExp> = {
  'strict-transport-security': /max-age=\d+/,
  'x-content-type-options': /^nosniff$/,
  'content-security-policy': /default-src 'none'/,
  'x-frame-options': /^deny$/i,
  'x-request-id': /.+/,
};

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the deployed API's answers, read field by field by checks that report a wrong shape as a failure.
  json: any;
}

/** A check failed: its message is the detail reported. */
class SmokeFailure extends Error {}
/** A check could not run with what it was given (no token, role too low). */
class SmokeSkip extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

/**
 * Post-deploy smoke test of a stage (or of `npm start`): health, security headers, the
 * refusal of anonymous calls, an authorized read, problem+json for bad input and unknown
 * routes, CORS preflights (an admitted origin, a foreign one), and the create → read →
 * delete of a throw-away student, deleted again on the way out whatever happened.
 * Every check runs; the results say which failed and why.
 */
export async function runSmoke(options: SmokeOptions): Promise<SmokeResult[]> {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const auth = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  const call = async (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    if (/json/i.test(res.headers.get('content-type') ?? '') && text !== '') json = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, json };
  };
  const needsToken = () => {
    if (!auth) throw new SmokeSkip('no --token');
    return auth;
  };

  const results: SmokeResult[] = [];
  const check = async (name: string, run: () => Promise<string>): Promise<void> => {
    const started = performance.now();
    let status: SmokeStatus = 'pass';
    let detail: string;
    try {
      detail = await run();
    } catch (error) {
      status = error instanceof SmokeSkip ? 'skip' : 'fail';
      detail = error instanceof Error ? error.message : String(error);
    }
    results.push({ name, status, detail, ms: Math.round(performance.now() - started) });
  };

  let health: Answer | undefined;
  await check('health answers 200 ok', async () => {
    health = await call('GET', '/health');
    expect(health.status === 200, `GET /health → ${health.status} ${health.text.slice(0, 200)}`);
    expect(health.json?.status === 'ok', `GET /health body status is ${JSON.stringify(health.json?.status)}`);
    return `checks: ${Object.keys(health.json?.checks ?? {}).join(', ') || 'none listed'}`;
  });

  await check('security headers on every answer', async () => {
    const answers = [health ?? (await call('GET', '/health')), await call('GET', '/api/v1/smoke-no-such-route')];
    for (const answer of answers) {
      for (const [name, pattern] of Object.entries(SECURITY_HEADERS)) {
        const value = answer.headers.get(name);
        expect(value !== null && pattern.test(value), `${name}: ${value ?? 'missing'} (answer ${answer.status})`);
      }
    }
    return Object.keys(SECURITY_HEADERS).join(', ');
  });

  await check('anonymous call refused with 401 problem+json', async () => {
    const answer = await call('GET', `${STUDENTS}?page_size=1`);
    expectProblem(answer, 401);
    expect(/^Bearer/i.test(answer.headers.get('www-authenticate') ?? ''), `WWW-Authenticate: ${answer.headers.get('www-authenticate')}`);
    return answer.json.code ?? answer.json.title;
  });

  await check('unknown route → 404 problem+json', async () => {
    const answer = await call('GET', '/api/v1/smoke-no-such-route');
    expectProblem(answer, 404);
    return answer.json.code ?? answer.json.title;
  });

  await check('authorized read', async () => {
    const answer = await call('GET', `${STUDENTS}?page_size=1`, { headers: needsToken() });
    if (answer.status === 403) throw new SmokeSkip('the token may not list students');
    expect(answer.status === 200, `GET ${STUDENTS} → ${answer.status} ${answer.text.slice(0, 200)}`);
    expect(Array.isArray(answer.json?.items), `no items array in ${answer.text.slice(0, 200)}`);
    return `${answer.json.items.length} item(s), rate limit ${answer.headers.get('x-ratelimit-remaining') ?? '-'}/${answer.headers.get('x-ratelimit-limit') ?? '-'}`;
  });

  await check('bad input → 422 problem+json', async () => {
    const answer = await call('GET', `${STUDENTS}?page_size=0`, { headers: needsToken() });
    if (answer.status === 403) throw new SmokeSkip('the token may not list students');
    expectProblem(answer, 422);
    expect(Array.isArray(answer.json.errors) && answer.json.errors.length > 0, 'no errors[] in the 422');
    return answer.json.errors.map((error: { loc?: unknown[] }) => (error.loc ?? []).join('.')).join(', ');
  });

  await check('CORS preflight of an admitted origin', async () => {
    if (!options.origin) throw new SmokeSkip('no --origin');
    const answer = await preflight(call, options.origin);
    expect(answer.status === 204, `OPTIONS ${STUDENTS} → ${answer.status}`);
    const allowed = answer.headers.get('access-control-allow-origin');
    expect(allowed === options.origin, `Access-Control-Allow-Origin: ${allowed ?? 'missing'} (the stage does not admit ${options.origin}?)`);
    const methods = answer.headers.get('access-control-allow-methods') ?? '';
    expect(/\bPOST\b/.test(methods), `Access-Control-Allow-Methods: ${methods || 'missing'}`);
    expect(/authorization/i.test(answer.headers.get('access-control-allow-headers') ?? ''), 'Authorization is not an allowed header');
    return `${allowed}; ${methods}`;
  });

  await check('CORS preflight of a foreign origin not admitted', async () => {
    const answer = await preflight(call, FOREIGN_ORIGIN);
    expect(answer.status < 500, `OPTIONS ${STUDENTS} → ${answer.status}`);
    const allowed = answer.headers.get('access-control-allow-origin');
    expect(allowed === null, `Access-Control-Allow-Origin: ${allowed} for ${FOREIGN_ORIGIN}`);
    return `${answer.status}, no Access-Control-Allow-Origin`;
  });

  await check('create, read and delete a throw-away student', async () => {
    if (options.readOnly) throw new SmokeSkip('--read-only');
    const headers = needsToken();
    const id = `SMOKE-${randomBytes(5).toString('hex').toUpperCase()}`;
    // Only a token that may delete can clean up after itself: ask first, with an id nobody has.
    const probe = await call('DELETE', `${STUDENTS}/${id}-X`, { headers });
    if (probe.status === 403) throw new SmokeSkip('the token may not delete students (admin needed to clean up)');
    expect(probe.status === 404, `DELETE of a missing student → ${probe.status} (expected 404)`);
    const created = await call('POST', STUDENTS, {
      headers,
      body: { student_id: id, first_name: 'Smoke', last_name: 'Test', math_score: 8, literature_score: 7, english_score: 9 },
    });
    if (created.status === 403) throw new SmokeSkip('the token may not create students');
    expect(created.status === 201, `POST ${STUDENTS} → ${created.status} ${created.text.slice(0, 200)}`);
    let deleted = false;
    try {
      const read = await call('GET', `${STUDENTS}/${id}`, { headers });
      expect(read.status === 200, `GET ${STUDENTS}/${id} → ${read.status}`);
      expect(read.json?.average_score === 8 && typeof read.json?.grade === 'string', `derived fields: ${read.text.slice(0, 200)}`);
      const etag = read.headers.get('etag');
      const removed = await call('DELETE', `${STUDENTS}/${id}`, { headers: { ...headers, ...(etag ? { 'if-match': etag } : {}) } });
      expect(removed.status === 204, `DELETE ${STUDENTS}/${id} → ${removed.status} (an admin token deletes; ${id} may be left behind)`);
      deleted = true;
      const gone = await call('GET', `${STUDENTS}/${id}`, { headers });
      expect(gone.status === 404, `GET after DELETE → ${gone.status}`);
      return id;
    } finally {
      // Whatever failed above, leave nothing behind that this run can remove.
      if (!deleted) await call('DELETE', `${STUDENTS}/${id}`, { headers }).catch(() => undefined);
    }
  });

  return results;
}

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status === status, `expected ${status}, got ${answer.status} ${answer.text.slice(0, 200)}`);
  const type = answer.headers.get('content-type') ?? '';
  expect(/^application\/problem\+json/i.test(type), `content-type: ${type || 'missing'}`);
  expect(answer.json?.status === status, `problem status field: ${JSON.stringify(answer.json?.status)}`);
}

function preflight(call: (method: string, path: string, init: { headers?: Record<string, string> }) => Promise<Answer>, origin: string) {
  return call('OPTIONS', STUDENTS, {
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
}
