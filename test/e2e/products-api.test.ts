import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, type RequestOptions, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';

/**
 * Products through the deployed bundles behind the local gateway: the CRUD routes come from
 * the registry declaration alone; stock is read-only there and moves only through
 * POST /products/{sku}/stock. Run `npm run build` first.
 */
let api: LocalApi;
const BASE = '/api/v1/products';

beforeAll(async () => {
  api = await startLocalApi({ role: 'staff' });
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, options?: RequestOptions) => api.request(method, path, options);
const stock = (sku: string, delta: unknown, options: RequestOptions = {}) =>
  call('POST', `${BASE}/${sku}/stock`, { json: { delta, reason: 'e2e' }, ...options });

async function given(sku: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', BASE, { json: { sku, name: `Product ${sku}`, price_minor: 1250, currency: 'EUR', ...extra } });
  expect(res.status, res.text).toBe(201);
  return res;
}

describe('product lifecycle', () => {
  it('creates with stock 0, reads, adds 5, refuses -10 with 409 and lists the product at 5', async () => {
    const created = await call('POST', BASE, { json: { sku: ' mug-01 ', name: ' Tasse à café ', price_minor: 1299, currency: 'eur' } });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(`${BASE}/MUG-01`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toEqual({
      sku: 'MUG-01',
      name: 'Tasse à café',
      price_minor: 1299,
      currency: 'EUR',
      stock_available: 0,
      stock_reserved: 0,
      created_at: expect.any(String),
      updated_at: created.body.created_at,
      version: 1,
    });

    const got = await call('GET', `${BASE}/mug-01`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const added = await stock('mug-01', 5);
    expect(added.status, added.text).toBe(200);
    expect(added.headers.get('etag')).toBe('"2"');
    expect(added.headers.get('cache-control')).toBe('no-store');
    expect(added.body).toMatchObject({ sku: 'MUG-01', stock_available: 5, stock_reserved: 0, version: 2 });
    expect(added.body.updated_at > created.body.updated_at).toBe(true);

    const refused = await stock('MUG-01', -10);
    expectProblem(refused, 409);
    expect(refused.body).toMatchObject({ code: 'product.insufficientStock' });
    expect(refused.body.detail).toContain('5 available');

    const after = await call('GET', `${BASE}/MUG-01`);
    expect(after.body).toMatchObject({ stock_available: 5, version: 2 });
    expect(after.headers.get('etag')).toBe('"2"');

    const taken = await stock('MUG-01', -5);
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body).toMatchObject({ stock_available: 0, version: 3 });
    expectProblem(await stock('MUG-01', -1), 409);

    const listed = await call('GET', `${BASE}?search=mug-01`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1 });
    expect(listed.body.items).toEqual([taken.body]);
  });

  it('sorts by price within a currency and filters by currency case-insensitively', async () => {
    await given('SORT-A', { price_minor: 300, currency: 'JPY' });
    await given('SORT-B', { price_minor: 100, currency: 'JPY' });
    await given('SORT-C', { price_minor: 200, currency: 'JPY' });
    const res = await call('GET', `${BASE}?currency=jpy&sort=-price_minor`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((p: { sku: string }) => p.sku)).toEqual(['SORT-A', 'SORT-C', 'SORT-B']);
    expect(res.body.total).toBe(3);
  });

  it('keeps stock through a patch of name and price (the version moves on)', async () => {
    await given('KEEP-01');
    await stock('KEEP-01', 7);
    const patched = await call('PATCH', `${BASE}/KEEP-01`, { json: { price_minor: 1500 }, headers: { 'if-match': '"2"' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ price_minor: 1500, stock_available: 7, version: 3 });
    const stale = await call('PATCH', `${BASE}/KEEP-01`, { json: { name: 'Stale' }, headers: { 'if-match': '"2"' } });
    expectProblem(stale, 412);
  });
});

describe('stock is read-only outside the stock route', () => {
  it.each([
    ['POST', BASE, { sku: 'RO-NEW', name: 'X', price_minor: 1, currency: 'USD', stock_available: 100 }, 'stock_available'],
    ['POST', BASE, { sku: 'RO-NEW', name: 'X', price_minor: 1, currency: 'USD', stock_reserved: 1 }, 'stock_reserved'],
    ['PATCH', `${BASE}/RO-01`, { stock_available: 100 }, 'stock_available'],
    ['PUT', `${BASE}/RO-01`, { name: 'Y', stock_reserved: 0 }, 'stock_reserved'],
  ])('answers 422 read_only_field for %s %s with %j and changes nothing', async (method, path, json, field) => {
    await call('POST', BASE, { json: { sku: 'RO-01', name: 'Read only', price_minor: 1, currency: 'USD' } });
    const res = await call(method, path, { json });
    expectProblem(res, 422);
    expect(res.body.errors).toContainEqual({ loc: ['body', field], msg: expect.stringContaining('read-only'), type: 'read_only_field' });
    expect((await call('GET', `${BASE}/RO-NEW`)).status).toBe(404);
    expect((await call('GET', `${BASE}/RO-01`)).body).toMatchObject({ name: 'Read only', stock_available: 0, version: 1 });
  });
});

describe('POST /products/{sku}/stock', () => {
  it('answers 404 for an unknown sku and creates nothing', async () => {
    const res = await stock('NOPE-01', 5);
    expectProblem(res, 404);
    expect(res.body.code).toBe('product.notFound');
    expect((await call('GET', `${BASE}/NOPE-01`)).status).toBe(404);
  });

  it.each([
    [{ delta: 0, reason: 'none' }, ['body', 'delta']],
    [{ delta: 1.5, reason: 'half' }, ['body', 'delta']],
    [{ delta: '5', reason: 'text' }, ['body', 'delta']],
    [{ delta: 2_000_000_000, reason: 'huge' }, ['body', 'delta']],
    [{ reason: 'no delta' }, ['body', 'delta']],
    [{ delta: 1 }, ['body', 'reason']],
    [{ delta: 1, reason: '' }, ['body', 'reason']],
    [{ delta: 1, reason: 'x'.repeat(201) }, ['body', 'reason']],
    [{ delta: 1, reason: 'bell\u0007' }, ['body', 'reason']],
    [{ delta: 1, reason: 'ok', stock_available: 9 }, ['body', 'stock_available']],
  ])('answers 422 for %j', async (json, loc) => {
    await call('POST', BASE, { json: { sku: 'BAD-01', name: 'Bad bodies', price_minor: 1, currency: 'USD' } });
    const res = await call('POST', `${BASE}/BAD-01/stock`, { json });
    expectProblem(res, 422);
    expect(res.body.errors.map((error: { loc: unknown[] }) => error.loc)).toContainEqual(loc);
    expect((await call('GET', `${BASE}/BAD-01`)).body).toMatchObject({ stock_available: 0, version: 1 });
  });

  it('answers 422 for a malformed sku in the path', async () => {
    expectProblem(await stock('bad%20sku', 1), 422);
  });

  it('refuses a viewer with 403 and anonymous callers with 401, leaving stock alone', async () => {
    await given('AUTH-01');
    expectProblem(await stock('AUTH-01', 5, { as: 'viewer' }), 403);
    expectProblem(await stock('AUTH-01', 5, { as: null }), 401);
    expect((await call('GET', `${BASE}/AUTH-01`, { as: 'viewer' })).body).toMatchObject({ stock_available: 0, version: 1 });
    expect((await stock('AUTH-01', 5, { as: 'admin' })).status).toBe(200);
  });

  it('honours If-Match: the current ETag applies, a stale one is 412 and writes nothing', async () => {
    await given('IFM-01');
    const applied = await stock('IFM-01', 3, { headers: { 'if-match': '"1"' } });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toMatchObject({ stock_available: 3, version: 2 });
    const stale = await stock('IFM-01', 3, { headers: { 'if-match': '"1"' } });
    expectProblem(stale, 412);
    expect(stale.body.code).toBe('product.versionMismatch');
    expectProblem(await stock('IFM-01', 3, { headers: { 'if-match': 'W/"2"' } }), 412);
    expect((await stock('IFM-01', 1, { headers: { 'if-match': '*' } })).body).toMatchObject({ stock_available: 4, version: 3 });
  });

  it('applies 40 concurrent changes exactly once each and never goes below 0', async () => {
    await given('RACE-01');
    expect((await stock('RACE-01', 20)).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 40 }, () => stock('RACE-01', -1)));
    const statuses = results.map((res) => res.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 409)).toHaveLength(20);
    expect((await call('GET', `${BASE}/RACE-01`)).body).toMatchObject({ stock_available: 0, version: 22 });
  });
});
