import { describe, expect, it } from 'vitest';
import { raw, sendJson } from './support/raw-admin-api.js';
import {
  BASE,
  createStudent,
  expectedEtag,
  GET_ROUTES,
  JSON_TYPE,
  MISSING,
  ORIGIN,
  pathOf,
  type Route,
  ROUTES,
  sameMembers,
  STUDENT,
  useHttpSemanticsApi,
  varyOf,
} from './support/http-semantics.js';

/**
 * HTTP semantics of every registered route over the local gateway: HEAD, CORS preflight,
 * conditional GET and representation details (Cache-Control, Vary and compression:
 * http-semantics-caching.test.ts). Requests go through node:http so that bytes, Accept-Encoding
 * and paths reach the gateway as written (fetch would decompress and send its own Accept-Encoding).
 */
useHttpSemanticsApi();

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
