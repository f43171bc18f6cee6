import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../infra/ops/seeded-random.js';
import { inBatches } from './support/local-api.js';
import type { RawResponse } from './support/raw-http.js';
import { expectNoLeak } from './support/problem-assertions.js';
import { BASE, useHostileTargets } from './support/hostile-requests.js';
import { adminAuth, raw, sendJson } from './support/raw-admin-api.js';

/**
 * Requests that look hostile or odd but must be served, over the local gateway with node:http:
 * ordinary ids and queries with quotes and brackets, hostile-looking bodies, Unicode that grows
 * under normalisation, odd request targets and Host headers (never 5xx); plus a seeded fuzz that
 * must never 5xx. The refusals (400 request.suspicious): hostile-requests.test.ts.
 */

useHostileTargets();

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
