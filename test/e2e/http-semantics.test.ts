import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FunctionDeclaration, servedRoutes } from '../../shared/entity/entity-functions.js';
import { functions } from '../../shared/registry.js';
import { isTableApiFunction } from '../../shared/table-api/table-api-functions.js';
import { inBatches, type LocalApi, startLocalApi } from './support/local-api.js';
import { type RawResponse, rawRequest } from './support/raw-http.js';
import { bearer } from './support/tokens.js';

/**
 * HTTP semantics of every registered route over the local gateway: HEAD, CORS preflight,
 * conditional GET, Cache-Control/Vary, compression and representation details. Requests go
 * through node:http so that bytes, Accept-Encoding and paths reach the gateway as written
 * (fetch would decompress and send its own Accept-Encoding).
 */

interface Route {
  fn: FunctionDeclaration;
  method: string;
  path: string;
}

/** Every route the API serves, straight from the registry (declared + HEAD per GET). */
const ROUTES: Route[] = functions.flatMap((fn) => servedRoutes(fn).map((route) => ({ fn, method: route.method, path: route.path })));
const GET_ROUTES = ROUTES.filter((route) => route.method === 'GET');

const ORIGIN = 'http://localhost:3000';
const BASE = '/api/v1/students';
const STUDENT = 'S0001';
const MISSING = 'NOPE-404';
const SEEDED = 32;
const JSON_TYPE = 'application/json; charset=utf-8';

/** A queued import job (seeded in beforeAll) for the `{import_id}` routes. */
let importId = '';
/** A valid value for each path parameter: the seeded job, a chart name, else the student id. */
/** Query parameters a route requires to answer 2xx. */
const REQUIRED_QUERY: Record<string, string> = { '/api/v1/flags/evaluate': '?user_id=u-1' };
const pathOf = (route: Route, id = STUDENT) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(name === 'import_id' ? importId : name === 'order_id' ? orderId : name === 'chart' ? 'histogram' : name === 'table' ? 'students' : id),
  ) + (REQUIRED_QUERY[route.path] ?? '');
/** Single resources carry the version as a strong ETag; lists and documents a weak body hash. */
const expectedEtag = (route: Route) => (route.fn.operation?.name === 'get' ? /^"\d+"$/ : /^W\/"[A-Za-z0-9_-]+"$/);

let api: LocalApi;
let orderId = '';

/** These tests are about HTTP, not roles: every raw request carries an admin token unless it sets its own. */
let adminAuth: Record<string, string> = {};
const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  rawRequest(api.url, method, path, { ...adminAuth, ...headers }, body);

const sendJson = (method: string, path: string, json: unknown, headers: Record<string, string> = {}) =>
  raw(method, path, { 'content-type': 'application/json', ...headers }, JSON.stringify(json));

/** The Vary members of a response, lower-cased. */
function varyOf(res: RawResponse): Set<string> {
  return new Set(
    String(res.headers.vary ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter(Boolean),
  );
}

const sameMembers = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((member) => b.has(member));

function decompressed(res: RawResponse): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(res.bytes).toString('utf8');
  return res.text;
}

async function createStudent(id: string, extra: Record<string, unknown> = {}): Promise<RawResponse> {
  const res = await sendJson('POST', BASE, { student_id: id, first_name: 'Test', last_name: 'Student', ...extra });
  expect(res.status, res.text).toBe(201);
  return res;
}

/** Per entity collection: a valid create body for an id and a valid patch. A new entity needs its line here. */
const SAMPLES: Record<string, { create: (id: string) => Record<string, unknown>; patch: Record<string, unknown> }> = {
  [BASE]: { create: (id) => ({ student_id: id, first_name: 'Cache', last_name: 'Control' }), patch: { hometown: 'Hue' } },
  '/api/v1/products': { create: (id) => ({ sku: id, name: 'Cache control', price_minor: 100, currency: 'EUR' }), patch: { name: 'Renamed' } },
};
function sampleOf(route: Route) {
  const collection = Object.keys(SAMPLES).find((base) => route.path === base || route.path.startsWith(`${base}/`));
  if (!collection) throw new Error(`no sample body for ${route.method} ${route.path}: add one to SAMPLES`);
  return { collection, ...SAMPLES[collection]! };
}
async function createItem(route: Route, id: string): Promise<void> {
  const { collection, create } = sampleOf(route);
  const res = await sendJson('POST', collection, create(id));
  expect(res.status, res.text).toBe(201);
}

beforeAll(async () => {
  // Upload tickets are only signed (no S3 call): a bucket name is all the imports routes need here.
  process.env.IMPORTS_BUCKET ??= 'records-imports';
  api = await startLocalApi({ role: 'admin' });
  adminAuth = await bearer('admin');
  importId = JSON.parse((await sendJson('POST', '/api/v1/imports', { entity: 'students', filename: 'seed.csv' })).text).import_id;
  const ids = Array.from({ length: SEEDED }, (_, i) => `S${String(i + 1).padStart(4, '0')}`);
  await inBatches(ids, 8, (id, i) =>
    createStudent(id, {
      first_name: ['An', 'Bình', 'Chi', 'Dũng'][i % 4],
      last_name: ['Nguyen', 'Tran', 'Le', 'Pham'][i % 4],
      email: `student${i + 1}@example.edu`,
      hometown: ['Hanoi', 'Da Nang', 'Hue'][i % 3],
      math_score: (i % 10) + 0.5,
      literature_score: 7,
      english_score: null,
    }),
  );
  // The same id as a product, so that every `{id}` route of every entity has an item to answer with.
  await createItem({ fn: functions[0]!, method: 'POST', path: '/api/v1/products' }, STUDENT);
  orderId = await placeOrder('seed');
});

/** An order for the seeded product (created pending; nothing consumes it here). */
async function placeOrder(key: string): Promise<string> {
  const res = await sendJson('POST', '/api/v1/orders', orderBody, { 'idempotency-key': `http-semantics-${key}-${Date.now()}` });
  expect(res.status, res.text).toBe(202);
  return JSON.parse(res.text).order_id;
}
const orderBody = { customer_id: 'cust-http', items: [{ sku: STUDENT, quantity: 1 }], payment: { method: 'card', token: 'tok_ok' } };
afterAll(async () => {
  await api?.close();
});

describe('the route table under test', () => {
  it('covers every registered route, with HEAD for each GET', () => {
    const keys = ROUTES.map((route) => `${route.method} ${route.path}`);
    for (const key of [
      'GET /health',
      'HEAD /health',
      'GET /openapi.json',
      'GET /docs',
      `POST ${BASE}`,
      `GET ${BASE}/{student_id}`,
      `HEAD ${BASE}`,
      `DELETE ${BASE}/{student_id}`,
    ]) {
      expect(keys).toContain(key);
    }
    for (const get of GET_ROUTES) expect(keys).toContain(`HEAD ${get.path}`);
  });
});

describe('HEAD', () => {
  it.each(GET_ROUTES)('HEAD $path answers with the status, ETag, Cache-Control and content-type of GET and no body', async (route) => {
    const get = await raw('GET', pathOf(route));
    const head = await raw('HEAD', pathOf(route));
    expect(get.status, get.text).toBe(200);
    expect(head.status).toBe(get.status);
    expect(head.headers.etag).toBe(get.headers.etag);
    expect(head.headers['cache-control']).toBe(get.headers['cache-control']);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.bytes.length).toBe(0);
    expect(get.bytes.length).toBeGreaterThan(0);
  });

  it('every HEAD announces the same Vary as its GET', async () => {
    const mismatches: string[] = [];
    for (const route of GET_ROUTES) {
      const get = await raw('GET', pathOf(route));
      const head = await raw('HEAD', pathOf(route));
      if (!sameMembers(varyOf(head), varyOf(get))) mismatches.push(`${route.path}: GET "${get.headers.vary}", HEAD "${head.headers.vary}"`);
    }
    expect(mismatches).toEqual([]);
  });

  it('every HEAD announces the Content-Length its GET sends, or none (RFC 9110 §8.6)', async () => {
    const mismatches: string[] = [];
    for (const route of GET_ROUTES) {
      const get = await raw('GET', pathOf(route));
      const head = await raw('HEAD', pathOf(route));
      const length = head.headers['content-length'];
      if (length !== undefined && length !== get.headers['content-length']) {
        mismatches.push(`${route.path}: GET ${get.headers['content-length']}, HEAD ${length}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('HEAD of a missing student answers 404 without body', async () => {
    const head = await raw('HEAD', `${BASE}/${MISSING}`);
    expect(head.status).toBe(404);
    expect(head.bytes.length).toBe(0);
    expect(head.headers['cache-control']).toBe('no-store');
  });
});

describe('CORS preflight', () => {
  it.each(ROUTES)('OPTIONS for $method $path from an allowed origin answers 204 with the allow headers', async (route) => {
    const res = await raw('OPTIONS', pathOf(route, MISSING), {
      origin: ORIGIN,
      'access-control-request-method': route.method,
      'access-control-request-headers': 'authorization, content-type, if-match, if-none-match',
    });
    expect(res.status).toBe(204);
    expect(res.bytes.length).toBe(0);
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(res.headers['access-control-allow-methods']).split(',')).toContain(route.method);
    const allowedHeaders = String(res.headers['access-control-allow-headers']).toLowerCase().split(',');
    for (const header of ['authorization', 'content-type', 'if-match', 'if-none-match']) expect(allowedHeaders).toContain(header);
    expect(varyOf(res).has('origin')).toBe(true);
  });

  it('answers the preflight of an item without running business code (the same id is a 404 to GET)', async () => {
    const preflight = await raw('OPTIONS', `${BASE}/${MISSING}`, { origin: ORIGIN, 'access-control-request-method': 'DELETE' });
    expect(preflight.status).toBe(204);
    const get = await raw('GET', `${BASE}/${MISSING}`);
    expect(get.status).toBe(404);
    // Even an id that validation would refuse is not validated on OPTIONS.
    const invalid = await raw('OPTIONS', `${BASE}/x`, { origin: ORIGIN, 'access-control-request-method': 'PUT' });
    expect(invalid.status).toBe(204);
  });

  it.each(ROUTES)('OPTIONS for $method $path from a foreign origin gets no Access-Control-Allow-Origin', async (route) => {
    const res = await raw('OPTIONS', pathOf(route, MISSING), { origin: 'https://evil.example', 'access-control-request-method': route.method });
    expect(res.status).toBeLessThan(500);
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('gives actual responses CORS headers only for the allowed origin', async () => {
    const allowed = await raw('GET', `${BASE}/${STUDENT}`, { origin: ORIGIN });
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(allowed.headers['access-control-expose-headers'])).toMatch(/ETag/);
    const foreign = await raw('GET', `${BASE}/${STUDENT}`, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(200);
    expect(foreign.headers).not.toHaveProperty('access-control-allow-origin');
  });
});

describe('conditional GET', () => {
  it.each(GET_ROUTES)('GET $path revalidates with its ETag: 304 without body, 200 for another tag, 304 for *', async (route) => {
    const path = pathOf(route);
    const first = await raw('GET', path);
    expect(first.status, first.text).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(expectedEtag(route));

    const same = await raw('GET', path, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.bytes.length).toBe(0);
    expect(same.headers.etag).toBe(etag);
    expect(same.headers['cache-control']).toBe(route.fn.cacheControl);

    for (const other of ['"999999"', 'W/"stale-representation"']) {
      const stale = await raw('GET', path, { 'if-none-match': other });
      expect(stale.status).toBe(200);
      expect(stale.text).toBe(first.text);
    }
    expect((await raw('GET', path, { 'if-none-match': '*' })).status).toBe(304);
    expect((await raw('GET', path, { 'if-none-match': `"other", ${etag}` })).status).toBe(304);
    expect((await raw('HEAD', path, { 'if-none-match': etag })).status).toBe(304);
  });

  it('every 304 carries the Vary its 200 carries (RFC 9110 §15.4.5)', async () => {
    const mismatches: string[] = [];
    for (const route of GET_ROUTES) {
      const ok = await raw('GET', pathOf(route));
      const notModified = await raw('GET', pathOf(route), { 'if-none-match': String(ok.headers.etag) });
      expect(notModified.status).toBe(304);
      if (!sameMembers(varyOf(notModified), varyOf(ok))) mismatches.push(`${route.path}: 200 "${ok.headers.vary}", 304 "${notModified.headers.vary}"`);
    }
    expect(mismatches).toEqual([]);
  });

  it('matches a strong ETag weakly: W/"n" revalidates the student it names', async () => {
    const first = await raw('GET', `${BASE}/${STUDENT}`);
    const weak = `W/${String(first.headers.etag)}`;
    expect((await raw('GET', `${BASE}/${STUDENT}`, { 'if-none-match': weak })).status).toBe(304);
  });

  it('answers 200 with the new version after a write changed the student', async () => {
    await createStudent('CG-01');
    const before = await raw('GET', `${BASE}/CG-01`);
    const updated = await sendJson('PATCH', `${BASE}/CG-01`, { hometown: 'Hue' });
    expect(updated.status, updated.text).toBe(200);
    const after = await raw('GET', `${BASE}/CG-01`, { 'if-none-match': String(before.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe(updated.headers.etag);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('gives a list a new weak ETag when its content changes', async () => {
    const path = `${BASE}?search=cg-02`;
    const before = await raw('GET', path);
    await createStudent('CG-02');
    const after = await raw('GET', path, { 'if-none-match': String(before.headers.etag) });
    expect(after.status).toBe(200);
    expect(after.headers.etag).toMatch(/^W\//);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('never answers 304 to a missing resource, even for If-None-Match: *', async () => {
    const res = await raw('GET', `${BASE}/${MISSING}`, { 'if-none-match': '*' });
    expect(res.status).toBe(404);
  });
});

describe('Cache-Control and Vary', () => {
  /** A request that succeeds on `route`, with whatever state it needs created first. */
  let made = 0;
  async function succeed(route: Route): Promise<RawResponse> {
    const id = `CC-${route.method}-${++made}`;
    // The original table API (docs/table-api.md), on the students table.
    if (isTableApiFunction(route.fn.id)) {
      if (route.method === 'GET' || route.method === 'HEAD') return raw(route.method, pathOf(route), { origin: ORIGIN });
      if (route.path === '/api/batch/import') {
        const form = `--cc\r\nContent-Disposition: form-data; name="file"; filename="students.csv"\r\nContent-Type: text/csv\r\n\r\nstudent_id,first_name,last_name\n${id},Cache,Control\n\r\n--cc--\r\n`;
        return raw('POST', route.path, { origin: ORIGIN, 'content-type': 'multipart/form-data; boundary=cc' }, form);
      }
      const bodies: Record<string, unknown> = {
        'POST /api/{table}': { input: SAMPLES[BASE]!.create(id) },
        'POST /api/{table}/query': { limit: 1 },
        'PUT /api/{table}': { input: SAMPLES[BASE]!.patch, where: { version: { eq: -1 } }, dry_run: true },
        'DELETE /api/{table}': { input: { version: { eq: -1 } }, dry_run: true },
      };
      return sendJson(route.method, pathOf(route), bodies[`${route.method} ${route.path}`], { origin: ORIGIN });
    }
    // Admin routes are not entity operations: each needs its own successful request.
    if (route.path === '/api/v1/admin/api-keys' && route.method === 'POST') {
      return sendJson('POST', route.path, { name: `cache-control ${id}`, role: 'viewer' }, { origin: ORIGIN });
    }
    if (route.path === '/api/v1/admin/api-keys/{key_id}') {
      const created = await sendJson('POST', '/api/v1/admin/api-keys', { name: `to delete ${id}`, role: 'viewer' });
      return raw('DELETE', pathOf(route, JSON.parse(created.text).key_id), { origin: ORIGIN });
    }
    if (route.path === '/api/v1/admin/tokens/revoke') {
      return sendJson('POST', route.path, { jti: `cache-control-${id}`, exp: Math.floor(Date.now() / 1000) + 600 }, { origin: ORIGIN });
    }
    if (route.path === '/api/v1/imports' && route.method === 'POST') {
      return sendJson('POST', route.path, { entity: 'students', filename: `${id}.csv` }, { origin: ORIGIN });
    }
    if (route.path.endsWith('/bulk-import')) {
      return raw('POST', route.path, { origin: ORIGIN, 'content-type': 'text/csv' }, `student_id,first_name,last_name\n${id},Cache,Control\n`);
    }
    if (route.path.endsWith('/stock')) {
      await createItem(route, id);
      return sendJson('POST', pathOf(route, id), { delta: 1, reason: 'http semantics' }, { origin: ORIGIN });
    }
    if (route.path === '/api/v1/orders' && route.method === 'POST') {
      return sendJson('POST', route.path, orderBody, { origin: ORIGIN, 'idempotency-key': `cache-control-${id}` });
    }
    if (route.path === '/api/v1/orders/{order_id}/cancel') {
      return raw('POST', `/api/v1/orders/${await placeOrder(id)}/cancel`, { origin: ORIGIN });
    }
    if (route.path.endsWith('/bulk-update') || route.path.endsWith('/bulk-delete')) {
      // A dry run over a where no item matches (every entity has a version).
      const set = route.path.endsWith('/bulk-update') ? { set: sampleOf(route).patch } : {};
      return sendJson('POST', route.path, { where: { version: { eq: -1 } }, ...set, dry_run: true }, { origin: ORIGIN });
    }
    if (route.path.endsWith('/query')) {
      // No where: every item, one page (valid for every entity).
      return sendJson('POST', route.path, { limit: 1 }, { origin: ORIGIN });
    }
    if (route.path === '/api/v1/admin/cache/invalidate') {
      return raw('POST', `${route.path}?pattern=${encodeURIComponent('students:*')}`, { origin: ORIGIN });
    }
    switch (route.method) {
      case 'GET':
      case 'HEAD':
        return raw(route.method, pathOf(route), { origin: ORIGIN });
      case 'POST':
        // Routes of no entity (cache/clear) take no body: an empty object will do.
        return sendJson('POST', route.path, route.path.startsWith('/api/v1/admin/') ? {} : sampleOf(route).create(id), { origin: ORIGIN });
      case 'PUT':
      case 'PATCH':
        await createItem(route, id);
        return sendJson(route.method, pathOf(route, id), sampleOf(route).patch, { origin: ORIGIN });
      case 'DELETE':
        await createItem(route, id);
        return raw('DELETE', pathOf(route, id), { origin: ORIGIN });
      default:
        throw new Error(`no successful request known for ${route.method} ${route.path}: add one`);
    }
  }

  it.each(ROUTES)('$method $path answers 2xx with its declared Cache-Control and Vary: Authorization, Origin', async (route) => {
    const res = await succeed(route);
    expect(res.status, res.text).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(res.headers['cache-control']).toBe(route.fn.cacheControl);
    expect(varyOf(res).has('authorization')).toBe(true);
    expect(varyOf(res).has('origin')).toBe(true);
  });

  it('declares private revalidation for student reads, no-store for writes and health, public caching for documents', () => {
    const policy = (method: string, path: string) => ROUTES.find((route) => route.method === method && route.path === path)?.fn.cacheControl;
    expect(policy('GET', `${BASE}/{student_id}`)).toBe('private, no-cache');
    expect(policy('GET', BASE)).toBe('private, no-cache');
    for (const method of ['PUT', 'PATCH', 'DELETE']) expect(policy(method, `${BASE}/{student_id}`)).toBe('no-store');
    expect(policy('POST', BASE)).toBe('no-store');
    expect(policy('GET', '/health')).toBe('no-store');
    expect(policy('GET', '/openapi.json')).toBe('public, max-age=300');
    expect(policy('GET', '/docs')).toBe('public, max-age=300');
  });

  it.each(ROUTES)('$method $path errors carry no-store and Vary: Authorization, Origin', async (route) => {
    // A null byte in the query is refused by every function before any of its own code runs.
    const path = pathOf(route);
    const res = await raw(route.method, `${path}${path.includes('?') ? '&' : '?'}probe=%00`, { origin: ORIGIN });
    expect(res.status).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(varyOf(res).has('authorization')).toBe(true);
    expect(varyOf(res).has('origin')).toBe(true);
  });

  it.each([
    ['a missing student', 'GET', `${BASE}/${MISSING}`, 404],
    ['an invalid page size', 'GET', `${BASE}?page_size=0`, 422],
    ['an unknown route', 'GET', '/api/v1/nothing-here', 404],
    ['a wrong method', 'POST', '/health', 405],
  ])('the problem for %s is no-store', async (_, method, path, status) => {
    const res = await raw(method, path);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('every route lists each Vary field once, also for a CORS request', async () => {
    const duplicated: string[] = [];
    for (const route of ROUTES) {
      const res = await succeed(route);
      const members = String(res.headers.vary ?? '')
        .split(',')
        .map((part) => part.trim().toLowerCase())
        .filter(Boolean);
      if (members.length !== new Set(members).size) duplicated.push(`${route.method} ${route.path}: "${res.headers.vary}"`);
    }
    expect(duplicated).toEqual([]);
  });

  it.each(GET_ROUTES)('GET $path (a text format) varies on Accept-Encoding', async (route) => {
    const res = await raw('GET', pathOf(route));
    expect(varyOf(res).has('accept-encoding')).toBe(true);
  });
});

describe('compression', () => {
  const LARGE = [`${BASE}?page_size=100`, '/openapi.json', '/docs'];
  const identity: Record<string, RawResponse> = {};

  beforeAll(async () => {
    for (const path of LARGE) identity[path] = await raw('GET', path, { 'accept-encoding': 'identity' });
  });

  it('has large enough identity bodies to compress', () => {
    const list = JSON.parse(identity[LARGE[0]!]!.text);
    expect(list.items).toHaveLength(Math.min(100, list.total));
    expect(list.items.length).toBeGreaterThanOrEqual(SEEDED);
    for (const path of LARGE) {
      expect(identity[path]!.status).toBe(200);
      expect(identity[path]!.headers).not.toHaveProperty('content-encoding');
      expect(identity[path]!.bytes.length).toBeGreaterThan(1024);
    }
  });

  it.each(LARGE)('GET %s with Accept-Encoding: br sends brotli that decompresses to the identity body', async (path) => {
    const res = await raw('GET', path, { 'accept-encoding': 'br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toBe(identity[path]!.headers['content-type']);
    expect(Number(res.headers['content-length'])).toBe(res.bytes.length);
    expect(res.bytes.length).toBeLessThan(identity[path]!.bytes.length);
    expect(decompressed(res)).toBe(identity[path]!.text);
    expect(res.headers.etag).toBe(identity[path]!.headers.etag);
    expect(varyOf(res).has('accept-encoding')).toBe(true);
  });

  it.each(LARGE)('GET %s with Accept-Encoding: gzip sends gzip', async (path) => {
    const res = await raw('GET', path, { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(decompressed(res)).toBe(identity[path]!.text);
  });

  it.each(LARGE)('GET %s honours q-values: br;q=0.5, gzip;q=1 → gzip', async (path) => {
    const res = await raw('GET', path, { 'accept-encoding': 'br;q=0.5, gzip;q=1' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(decompressed(res)).toBe(identity[path]!.text);
  });

  it.each(
    LARGE.flatMap((path) => [
      [path, 'identity'],
      [path, undefined],
      [path, 'br;q=0'],
    ]),
  )('GET %s with Accept-Encoding %s is sent uncompressed', async (path, acceptEncoding) => {
    const res = await raw('GET', path!, acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding });
    expect(res.status).toBe(200);
    expect(res.headers).not.toHaveProperty('content-encoding');
    expect(res.text).toBe(identity[path!]!.text);
  });

  it('never compresses a small response (one student, under 1 KiB)', async () => {
    const res = await raw('GET', `${BASE}/${STUDENT}`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBeLessThan(1024);
    expect(res.headers).not.toHaveProperty('content-encoding');
    expect(JSON.parse(res.text).student_id).toBe(STUDENT);
  });

  it('does not compress problem responses', async () => {
    const res = await raw('GET', `${BASE}/${MISSING}`, { 'accept-encoding': 'br' });
    expect(res.status).toBe(404);
    expect(res.headers).not.toHaveProperty('content-encoding');
    expect(JSON.parse(res.text).status).toBe(404);
  });
});

describe('representation', () => {
  /** Exports default to CSV and `/charts/{chart}` to PNG; every other GET route answers JSON. */
  const defaultType = (route: Route) => (route.fn.largeExports ? 'text/csv; charset=utf-8' : route.path.endsWith('/{chart}') ? 'image/png' : JSON_TYPE);

  it.each(GET_ROUTES.filter((route) => route.path !== '/docs'))('GET $path sends its default representation (text with a charset)', async (route) => {
    const res = await raw('GET', pathOf(route));
    expect(res.headers['content-type']).toBe(defaultType(route));
  });

  it('sends problems and HTML with a charset too', async () => {
    expect((await raw('GET', `${BASE}/${MISSING}`)).headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect((await raw('GET', '/docs')).headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('writes every timestamp as UTC ISO-8601 ending in Z', async () => {
    const student = JSON.parse((await raw('GET', `${BASE}/${STUDENT}`)).text);
    const list = JSON.parse((await raw('GET', `${BASE}?page_size=5`)).text);
    const problem = JSON.parse((await raw('GET', `${BASE}/${MISSING}`)).text);
    const stamps = [
      student.created_at,
      student.updated_at,
      ...list.items.flatMap((item: { created_at: string; updated_at: string }) => [item.created_at, item.updated_at]),
      problem.timestamp,
    ];
    expect(stamps.length).toBe(2 + 10 + 1);
    for (const stamp of stamps) {
      expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(new Date(stamp).toISOString().slice(0, 19)).toBe(stamp.slice(0, 19));
    }
  });

  it.each([
    ['quotes and angle brackets', 'UN-01', "O'Brien <b>", 'Smith "Jr" & Sons'],
    ['Vietnamese', 'UN-02', 'Nguyễn', 'Thị Ánh Tuyết'],
    ['Greek', 'UN-03', 'Δημήτρης', 'Παπαδόπουλος'],
    ['Chinese and emoji', 'UN-04', '李小龍', 'Lee 🐉'],
    ['script-looking text', 'UN-05', '<script>alert(1)</script>', '${jndi:ldap://x}'],
  ])('stores and returns names with %s verbatim', async (_, id, firstName, lastName) => {
    const created = await sendJson('POST', BASE, { student_id: id, first_name: firstName, last_name: lastName });
    expect(created.status, created.text).toBe(201);
    expect(created.headers['content-type']).toBe(JSON_TYPE);
    expect(JSON.parse(created.text)).toMatchObject({ first_name: firstName, last_name: lastName, full_name: `${firstName} ${lastName}` });
    const got = await raw('GET', `${BASE}/${id}`);
    expect(JSON.parse(got.text)).toMatchObject({ first_name: firstName, last_name: lastName });
    // The bytes are UTF-8, not \u escapes: clients that grep or stream see the letters.
    expect(got.text).toContain(JSON.stringify(firstName).slice(1, -1));
  });

  it('finds a name with an apostrophe by searching for it', async () => {
    const res = await raw('GET', `${BASE}?search=${encodeURIComponent("O'Brien")}`);
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text).items.map((item: { student_id: string }) => item.student_id)).toContain('UN-01');
  });
});
