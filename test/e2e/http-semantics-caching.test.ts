import { beforeAll, describe, expect, it } from 'vitest';
import { isTableApiFunction } from '../../shared/table-api/table-api-functions.js';
import type { RawResponse } from './support/raw-http.js';
import { raw, sendJson } from './support/raw-admin-api.js';
import {
  BASE,
  createItem,
  decompressed,
  GET_ROUTES,
  MISSING,
  ORIGIN,
  orderBody,
  pathOf,
  placeOrder,
  type Route,
  ROUTES,
  SAMPLES,
  SEEDED,
  sampleOf,
  STUDENT,
  useHttpSemanticsApi,
  varyOf,
} from './support/http-semantics.js';

/**
 * Cache-Control, Vary and compression of every registered route over the local gateway (HEAD,
 * CORS, conditional GET and representation: http-semantics.test.ts), through node:http so that
 * bytes and Accept-Encoding reach the gateway as written (fetch would decompress and send its own).
 */
useHttpSemanticsApi();

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
