import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/http/middlewares/reject-suspicious.js';
import { inBatches, type LocalApi, startLocalApi } from './support/local-api.js';
import { type RawResponse, rawRequest } from './support/raw-http.js';
import { bearer } from './support/tokens.js';
import { expectNoLeak } from './support/problem-assertions.js';
import { seededRandom } from '../../infra/ops/seeded-random.js';

/**
 * Requests no legitimate client sends, over the local gateway with node:http (fetch and URL
 * would normalise `..` and encodings away): traversal, null bytes, oversized parts, hostile
 * identifiers → 400 request.suspicious without echo; plus a seeded fuzz that must never 5xx.
 */

const BASE = '/api/v1/students';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
let api: LocalApi;

/** These tests are about HTTP, not roles: every raw request carries an admin token unless it sets its own. */
let adminAuth: Record<string, string> = {};
const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  rawRequest(api.url, method, path, { ...adminAuth, ...headers }, body);

const sendJson = (method: string, path: string, json: unknown) => raw(method, path, { 'content-type': 'application/json' }, JSON.stringify(json));

function expectRefused(res: RawResponse): void {
  expect(res.status, res.text).toBe(400);
  expect(res.headers['content-type']).toBe(PROBLEM_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expectNoLeak(res.text);
  expect(JSON.parse(res.text)).toMatchObject({ status: 400, code: 'request.suspicious', title: 'Bad Request' });
}

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
  adminAuth = await bearer('admin');
  for (const id of ['S0001', 'AB--12', 'S_001']) {
    const res = await sendJson('POST', BASE, { student_id: id, first_name: 'Hostile', last_name: 'Target' });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(async () => {
  await api?.close();
});

/** Hostile requests with the fragment of them that must never come back in the body. */
interface Hostile {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  payload: string[];
}

const TRAVERSAL: Hostile[] = [
  { name: 'raw dot segments', method: 'GET', path: `${BASE}/../health`, payload: ['../health'] },
  { name: 'encoded dot segments', method: 'GET', path: '/api/v1/%2e%2e/health', payload: ['%2e%2e'] },
  { name: 'upper-case encoded dot segments', method: 'GET', path: '/api/v1/%2E%2E/health', payload: ['%2E%2E'] },
  { name: 'encoded separators to /etc/passwd', method: 'GET', path: `${BASE}/..%2f..%2fetc%2fpasswd`, payload: ['etc%2fpasswd', 'etc/passwd'] },
  { name: 'double-encoded dots', method: 'GET', path: '/api/v1/%252e%252e/health', payload: ['%252e%252e'] },
  { name: 'backslashes', method: 'GET', path: '/api/v1/students\\..\\health', payload: ['\\..\\', '\\\\..\\\\'] },
  { name: 'encoded backslashes', method: 'GET', path: `${BASE}/..%5c..%5cwindows%5cwin.ini`, payload: ['win.ini'] },
  { name: 'dot segments on a DELETE', method: 'DELETE', path: `${BASE}/../students/S0001`, payload: ['../students'] },
  { name: 'mixed encoding .%2e', method: 'GET', path: '/api/v1/.%2e/health', payload: ['.%2e'] },
  { name: 'mixed encoding %2e.', method: 'GET', path: `${BASE}/%2e./%2e./health`, payload: ['%2e.'] },
];

const NULL_BYTES: Hostile[] = [
  { name: 'in an item path', method: 'GET', path: `${BASE}/S0001%00.json`, payload: ['%00'] },
  { name: 'in the collection path', method: 'GET', path: `${BASE}%00`, payload: ['%00'] },
  { name: 'in a query value', method: 'GET', path: `${BASE}?search=An%00`, payload: ['%00'] },
  { name: 'in a query name', method: 'GET', path: `${BASE}?se%00arch=An`, payload: ['%00'] },
  { name: 'encoded in a header value', method: 'GET', path: `${BASE}/S0001`, headers: { 'x-note': 'a%00b' }, payload: ['a%00b'] },
];

const OVERSIZED: Hostile[] = [
  {
    name: `a header value over ${LIMITS.headerValueBytes} bytes`,
    method: 'GET',
    path: `${BASE}/S0001`,
    headers: { 'x-padding': 'h'.repeat(5_000) },
    payload: ['hhhhhhhh'],
  },
  {
    name: `a query string over ${LIMITS.queryStringBytes} bytes`,
    method: 'GET',
    path: `${BASE}?search=${'q'.repeat(LIMITS.queryStringBytes)}`,
    payload: ['qqqqqqqq'],
  },
  { name: `a path over ${LIMITS.pathBytes} bytes`, method: 'GET', path: `${BASE}/${'p'.repeat(1_100)}`, payload: ['pppppppp'] },
];

const HOSTILE_IDS = ['<script>', "' OR '1'='1", '${jndi:ldap://x}', '1;DROP TABLE'];
const HOSTILE_ITEMS: Hostile[] = HOSTILE_IDS.flatMap((id) =>
  ['GET', 'PUT', 'DELETE'].map((method) => ({
    name: `${method} ${JSON.stringify(id)}`,
    method,
    path: `${BASE}/${encodeURIComponent(id)}`,
    payload: [id, encodeURIComponent(id)],
  })),
);
// The same ids as a careless client sends them: not percent-encoded where HTTP allows it.
HOSTILE_ITEMS.push(
  { name: 'GET raw <script>', method: 'GET', path: `${BASE}/<script>`, payload: ['<script>'] },
  { name: 'GET raw quote injection', method: 'GET', path: `${BASE}/'OR'1'='1`, payload: ["'OR'1'='1"] },
);

const ALL_HOSTILE = [...TRAVERSAL, ...NULL_BYTES, ...OVERSIZED, ...HOSTILE_ITEMS];
const send = (hostile: Hostile) =>
  hostile.method === 'PUT'
    ? raw('PUT', hostile.path, { 'content-type': 'application/json', ...hostile.headers }, JSON.stringify({ hometown: 'Hue' }))
    : raw(hostile.method, hostile.path, hostile.headers);

describe('path traversal', () => {
  it.each(TRAVERSAL)('$name → 400 request.suspicious', async (hostile) => {
    expectRefused(await send(hostile));
  });

  it('a traversal DELETE deletes nothing', async () => {
    await send(TRAVERSAL.find((hostile) => hostile.method === 'DELETE')!);
    expect((await raw('GET', `${BASE}/S0001`)).status).toBe(200);
  });
});

describe('null bytes', () => {
  it.each(NULL_BYTES)('$name → 400 request.suspicious', async (hostile) => {
    expectRefused(await send(hostile));
  });
});

describe('oversized requests', () => {
  it.each(OVERSIZED)('$name → 400 request.suspicious', async (hostile) => {
    expectRefused(await send(hostile));
  });

  it('headers over 16 KiB in total are refused before any function runs', async () => {
    // API Gateway refuses request line + headers over 10 240 bytes itself; Node's gateway at 16 KiB.
    const headers = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(3_500)]));
    const res = await raw('GET', `${BASE}/S0001`, headers);
    if (res.status === 431) {
      // Refused by the HTTP server itself (like API Gateway's quota): no function was invoked.
      expect(res.headers).not.toHaveProperty('apigw-requestid');
    } else {
      expectRefused(res);
    }
    expect(res.text).not.toContain('fffffff');
  });

  it('values just under the limits pass', async () => {
    const res = await raw('GET', `${BASE}?search=${'q'.repeat(LIMITS.queryStringBytes - 'search='.length)}`, {
      'x-padding': 'h'.repeat(LIMITS.headerValueBytes),
    });
    expect(res.status, res.text).toBe(422); // too long a search term for the schema, but not refused as hostile
    expect(JSON.parse(res.text).code).toBe('request.invalid');
  });
});

describe('hostile identifiers', () => {
  it.each(HOSTILE_ITEMS)('$name → 400 request.suspicious', async (hostile) => {
    expectRefused(await send(hostile));
  });
});

describe('refusals', () => {
  it('never echo the payload that was refused', async () => {
    const echoed: string[] = [];
    for (const hostile of ALL_HOSTILE) {
      const res = await send(hostile);
      for (const fragment of hostile.payload) if (res.text.includes(fragment)) echoed.push(`${hostile.name}: body contains ${JSON.stringify(fragment)}`);
    }
    expect(echoed).toEqual([]);
  });
});

describe('ordinary requests pass', () => {
  it.each(['S0001', 'AB--12', 'S_001', 's_001', 'ab--12'])('GET an existing student by the id %s', async (id) => {
    const res = await raw('GET', `${BASE}/${id}`);
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).student_id).toBe(id.toUpperCase());
  });

  it.each([
    ["O'Brien", 'search=O%27Brien'],
    ["O'Brien unencoded", "search=O'Brien"],
    ['angle brackets', 'search=%3Cb%3E'],
    ['Vietnamese', `search=${encodeURIComponent('Nguyễn')}`],
    ['SQL-looking text', `search=${encodeURIComponent("1' OR '1'='1")}`],
    ['paging and sorting', 'page_size=100&sort=-average_score&hometown=Da%20Nang'],
  ])('lists with a query containing %s', async (_, query) => {
    const res = await raw('GET', `${BASE}?${query}`);
    expect(res.status, res.text).toBe(200);
  });

  it('creates and updates students whose names look hostile: bodies are data, not filtered', async () => {
    const created = await sendJson('POST', BASE, { student_id: 'HN-01', first_name: "O'Brien <b>", last_name: '<script>alert(1)</script>' });
    expect(created.status, created.text).toBe(201);
    const updated = await sendJson('PATCH', `${BASE}/HN-01`, { hometown: "'; DROP TABLE students; --" });
    expect(updated.status, updated.text).toBe(200);
    expect(JSON.parse(updated.text)).toMatchObject({
      first_name: "O'Brien <b>",
      last_name: '<script>alert(1)</script>',
      hometown: "'; DROP TABLE students; --",
    });
  });

  it('accepts browser-sized headers', async () => {
    const res = await raw('GET', `${BASE}/S0001`, {
      ...adminAuth,
      'x-client-state': 't'.repeat(1_500),
      cookie: `session=${'c'.repeat(1_000)}`,
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      'accept-language': 'vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7',
      origin: 'http://localhost:3000',
      referer: "http://localhost:3000/students?search=O'Brien",
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe('unusual but valid input', () => {
  it('never 5xx for names and hometowns that grow under Unicode normalisation', async () => {
    // NFKC/NFKD expand compatibility characters: U+FDFA becomes 18 letters, U+337F four kanji.
    const cases = [
      { student_id: 'NF-01', first_name: 'ﷺ'.repeat(100), last_name: 'Test' },
      { student_id: 'NF-02', first_name: 'Test', last_name: '㍿'.repeat(100) },
      { student_id: 'NF-03', first_name: 'Test', last_name: 'Test', hometown: 'ﷺ'.repeat(100) },
    ];
    const failed: string[] = [];
    for (const student of cases) {
      const res = await sendJson('POST', BASE, student);
      if (res.status >= 500) failed.push(`${student.student_id} → ${res.status} ${res.text}`);
      else expect([201, 422]).toContain(res.status);
    }
    expect(failed).toEqual([]);
  });

  it('accepts back every next_cursor it issued, alone or beside the parameters it was issued for', async () => {
    const refused: string[] = [];
    const follow = async (name: string, firstPage: string, keep: boolean) => {
      const first = await raw('GET', `${BASE}?${firstPage}`);
      expect(first.status, first.text).toBe(200);
      const cursor = JSON.parse(first.text).next_cursor as string;
      expect(cursor).toEqual(expect.any(String));
      const next = await raw('GET', `${BASE}?${keep ? `${firstPage}&` : ''}cursor=${encodeURIComponent(cursor)}`);
      if (next.status !== 200) refused.push(`${name}: cursor of ${cursor.length} chars → ${next.status} ${JSON.parse(next.text).code}`);
    };

    // Long first names that fold to 1 KB sort keys: the cursor alone is ~2.9 KB.
    const wide = 'ﷺ'.repeat(31);
    for (const id of ['CUR-01', 'CUR-02']) expect((await sendJson('POST', BASE, { student_id: id, first_name: wide, last_name: 'Test' })).status).toBe(201);
    await follow('cursor alone', `search=${encodeURIComponent(wide)}&sort=first_name&page_size=1`, false);

    // Everyday CJK text: repeating the query next to the cursor is explicitly allowed.
    const town = '東'.repeat(100);
    const family = '李'.repeat(100);
    for (const id of ['CUR-03', 'CUR-04']) {
      expect((await sendJson('POST', BASE, { student_id: id, first_name: '王', last_name: family, hometown: town })).status).toBe(201);
    }
    await follow('cursor beside its query', `hometown=${encodeURIComponent(town)}&search=${encodeURIComponent(family)}&page_size=1&sort=-last_name`, true);

    expect(refused).toEqual([]);
  });
});

describe('odd request targets and Host headers', () => {
  const ODD: { name: string; path: string; headers?: Record<string, string> }[] = [
    { name: 'an empty path segment pair', path: '//' },
    { name: 'an authority-like start', path: '//[/health' },
    { name: 'a double slash before the API', path: '//api/v1/students' },
    { name: 'a lone percent sign', path: `${BASE}/%` },
    { name: 'a malformed escape', path: `${BASE}/%zz` },
    { name: 'a truncated UTF-8 escape', path: `${BASE}/%E0%A4%A` },
    { name: 'overlong UTF-8 dots', path: `${BASE}/%c0%ae%c0%ae` },
    { name: 'an absolute-form target', path: 'http://localhost/health' },
    { name: 'a semicolon path parameter', path: `${BASE}/S0001;jsessionid=x` },
    ...['bad host', 'a:b:c', '[', 'localhost:99999'].map((host) => ({ name: `Host ${JSON.stringify(host)}`, path: '/health', headers: { host } })),
  ];

  it('never make the gateway or a function answer 5xx', async () => {
    const failed: string[] = [];
    for (const odd of ODD) {
      const res = await raw('GET', odd.path, odd.headers);
      if (res.status >= 500) failed.push(`${odd.name} (GET ${odd.path}) → ${res.status} ${res.text}`);
      expectNoLeak(res.text);
    }
    expect(failed).toEqual([]);
  });
});

const FUZZ_SEED = 20_261_125;
const FUZZ_REQUESTS = 300;

interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Random requests that are valid HTTP but mix bytes, encodings and hostile tokens everywhere else. */
function fuzzCases(seed: number, count: number): FuzzCase[] {
  const random = seededRandom(seed);
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const PRINTABLE = 'abcXYZ019-_.~!$&\'()*+,;=:@<>"{}|\\^`[]';
  const TOKENS = [
    '..',
    '.%2e',
    '%2e%2e',
    '%252e',
    '%00',
    '<script>',
    '${jndi:x}',
    "'OR'1'='1",
    '%ff',
    '%',
    '%c0%ae',
    '\\',
    'S0001',
    'AB--12',
    '%20',
    '+',
    'null',
    '-1',
    '1e309',
  ];
  const UNICODE = ['Nguyễn', 'Δημήτρης', '李', '🐉', 'ﷺ', '\u202e', 'e\u0301', '\u00a0', 'ß', 'İ'];

  const bytesEncoded = () => Array.from({ length: 1 + int(24) }, () => `%${int(256).toString(16).padStart(2, '0')}`).join('');
  const printable = () => Array.from({ length: 1 + int(20) }, () => pick([...PRINTABLE])).join('');
  const unicode = () => encodeURIComponent(Array.from({ length: 1 + int(6) }, () => pick(UNICODE)).join(''));
  const segment = (): string => pick([bytesEncoded, printable, unicode, () => pick(TOKENS), () => pick(TOKENS) + printable(), () => 'x'.repeat(int(1_500))])();
  const headerValue = (): string => {
    const length = random() < 0.05 ? 4_000 + int(2_000) : int(120);
    return Array.from({ length }, () => (random() < 0.1 ? String.fromCharCode(0x80 + int(128)) : String.fromCharCode(0x20 + int(95)))).join('');
  };
  const query = (): string =>
    Array.from({ length: int(4) }, () => `${pick(['search', 'page', 'page_size', 'sort', 'cursor', 'hometown', segment()])}=${segment()}`).join('&');
  const path = (): string =>
    pick([() => `${BASE}/${segment()}`, () => BASE, () => `/api/v1/${segment()}/${segment()}`, () => '/health', () => `/${segment()}`])();
  const HEADER_NAMES = ['accept', 'accept-encoding', 'if-none-match', 'if-match', 'origin', 'x-request-id', 'authorization', 'x-fuzz', 'content-type'];

  return Array.from({ length: count }, () => {
    const method = pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    const q = random() < 0.5 ? query() : '';
    const headers: Record<string, string> = {};
    for (const name of HEADER_NAMES) if (random() < 0.35) headers[name] = headerValue();
    let body: string | undefined;
    if (['POST', 'PUT', 'PATCH'].includes(method)) {
      headers['content-type'] = pick([
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/octet-stream',
        headers['content-type'] ?? '',
      ]);
      body = pick([
        () =>
          JSON.stringify({
            student_id: segment().slice(0, 24),
            first_name: decodeSafely(segment()),
            last_name: 'Fuzz',
            math_score: pick([1, -1, 11, 1e309, null, '7']),
          }),
        () => JSON.stringify({ hometown: decodeSafely(segment()), [segment()]: segment() }),
        () => Buffer.from(Array.from({ length: int(200) }, () => int(256))).toString('latin1'),
        () => '{"first_name":',
      ])();
      if (headers['content-type'] === '') delete headers['content-type'];
    }
    return { method, path: `${path()}${q ? `?${q}` : ''}`, headers, body };
  });
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

describe(`seeded fuzz (seed ${FUZZ_SEED}, ${FUZZ_REQUESTS} requests)`, () => {
  it('never answers 5xx and never leaks a stack trace', async () => {
    const cases = fuzzCases(FUZZ_SEED, FUZZ_REQUESTS);
    const failures: string[] = [];
    const statuses = await inBatches(cases, 8, async (fuzz, index) => {
      let res: RawResponse;
      try {
        res = await raw(fuzz.method, fuzz.path, fuzz.headers, fuzz.body);
      } catch (error) {
        failures.push(`#${index} ${fuzz.method} ${fuzz.path}: ${(error as Error).message}`);
        return 0;
      }
      if (res.status >= 500) failures.push(`#${index} ${fuzz.method} ${fuzz.path.slice(0, 200)} → ${res.status} ${res.text.slice(0, 200)}`);
      try {
        expectNoLeak(res.text);
      } catch {
        failures.push(`#${index} ${fuzz.method} ${fuzz.path.slice(0, 200)} leaks: ${res.text.slice(0, 200)}`);
      }
      return res.status;
    });
    expect(failures).toEqual([]);
    // The fuzz is only worth something if it reaches both refusals and ordinary handling.
    expect(statuses.filter((status) => status === 400).length).toBeGreaterThan(30);
    expect(statuses.filter((status) => status >= 200 && status < 300).length).toBeGreaterThan(10);
    expect(new Set(statuses).size).toBeGreaterThanOrEqual(5);
  });
});
