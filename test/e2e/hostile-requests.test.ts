import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/http/middlewares/reject-suspicious.js';
import type { RawResponse } from './support/raw-http.js';
import { expectNoLeak } from './support/problem-assertions.js';
import { BASE, useHostileTargets } from './support/hostile-requests.js';
import { raw } from './support/raw-admin-api.js';

/**
 * Requests no legitimate client sends, over the local gateway with node:http (fetch and URL
 * would normalise `..` and encodings away): traversal, null bytes, oversized parts, hostile
 * identifiers → 400 request.suspicious without echo. What must pass despite looking odd, and
 * a seeded fuzz that must never 5xx: hostile-requests-tolerated.test.ts.
 */

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
useHostileTargets();

function expectRefused(res: RawResponse): void {
  expect(res.status, res.text).toBe(400);
  expect(res.headers['content-type']).toBe(PROBLEM_TYPE);
  expect(res.headers['cache-control']).toBe('no-store');
  expectNoLeak(res.text);
  expect(JSON.parse(res.text)).toMatchObject({ status: 400, code: 'request.suspicious', title: 'Bad Request' });
}

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
