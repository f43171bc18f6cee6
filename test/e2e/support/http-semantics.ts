import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, expect } from 'vitest';
import { type FunctionDeclaration, servedRoutes } from '../../../shared/entity/entity-functions.js';
import { functions } from '../../../shared/registry.js';
import { inBatches } from './local-api.js';
import type { RawResponse } from './raw-http.js';
import { sendJson, useRawAdminApi } from './raw-admin-api.js';

/**
 * What the HTTP-semantics tests share (http-semantics.test.ts, http-semantics-caching.test.ts):
 * the route table under test, the seeded data every route answers 2xx for, and the helpers that
 * read headers and bodies as sent.
 */

export interface Route {
  fn: FunctionDeclaration;
  method: string;
  path: string;
}

/** Every route the API serves, straight from the registry (declared + HEAD per GET). */
export const ROUTES: Route[] = functions.flatMap((fn) => servedRoutes(fn).map((route) => ({ fn, method: route.method, path: route.path })));
export const GET_ROUTES = ROUTES.filter((route) => route.method === 'GET');

export const ORIGIN = 'http://localhost:3000';
export const BASE = '/api/v1/students';
export const STUDENT = 'S0001';
export const MISSING = 'NOPE-404';
export const SEEDED = 32;
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A queued import job (seeded in beforeAll) for the `{import_id}` routes. */
let importId = '';
/** A pending order (seeded in beforeAll) for the `{order_id}` routes. */
let orderId = '';
/** A valid value for each path parameter: the seeded job, a chart name, else the student id. */
/** Query parameters a route requires to answer 2xx. */
const REQUIRED_QUERY: Record<string, string> = { '/api/v1/flags/evaluate': '?user_id=u-1' };
export const pathOf = (route: Route, id = STUDENT) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(name === 'import_id' ? importId : name === 'order_id' ? orderId : name === 'chart' ? 'histogram' : name === 'table' ? 'students' : id),
  ) + (REQUIRED_QUERY[route.path] ?? '');
/** Single resources carry the version as a strong ETag; lists and documents a weak body hash. */
export const expectedEtag = (route: Route) => (route.fn.operation?.name === 'get' ? /^"\d+"$/ : /^W\/"[A-Za-z0-9_-]+"$/);

/** The Vary members of a response, lower-cased. */
export function varyOf(res: RawResponse): Set<string> {
  return new Set(
    String(res.headers.vary ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter(Boolean),
  );
}

export const sameMembers = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((member) => b.has(member));

export function decompressed(res: RawResponse): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(res.bytes).toString('utf8');
  return res.text;
}

export async function createStudent(id: string, extra: Record<string, unknown> = {}): Promise<RawResponse> {
  const res = await sendJson('POST', BASE, { student_id: id, first_name: 'Test', last_name: 'Student', ...extra });
  expect(res.status, res.text).toBe(201);
  return res;
}

/** Per entity collection: a valid create body for an id and a valid patch. A new entity needs its line here. */
export const SAMPLES: Record<string, { create: (id: string) => Record<string, unknown>; patch: Record<string, unknown> }> = {
  [BASE]: { create: (id) => ({ student_id: id, first_name: 'Cache', last_name: 'Control' }), patch: { hometown: 'Hue' } },
  '/api/v1/products': { create: (id) => ({ sku: id, name: 'Cache control', price_minor: 100, currency: 'EUR' }), patch: { name: 'Renamed' } },
};
export function sampleOf(route: Route) {
  const collection = Object.keys(SAMPLES).find((base) => route.path === base || route.path.startsWith(`${base}/`));
  if (!collection) throw new Error(`no sample body for ${route.method} ${route.path}: add one to SAMPLES`);
  return { collection, ...SAMPLES[collection]! };
}
export async function createItem(route: Route, id: string): Promise<void> {
  const { collection, create } = sampleOf(route);
  const res = await sendJson('POST', collection, create(id));
  expect(res.status, res.text).toBe(201);
}

/**
 * Registers the hooks of an HTTP-semantics test file: its own local API spoken to raw as admin
 * (`useRawAdminApi`), seeded with students, a product of the same id, a queued import job and an
 * order, so that every route has something to answer with.
 */
export function useHttpSemanticsApi(): void {
  // Upload tickets are only signed (no S3 call): a bucket name is all the imports routes need here.
  process.env.IMPORTS_BUCKET ??= 'records-imports';
  useRawAdminApi();
  beforeAll(async () => {
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
}

/** An order for the seeded product (created pending; nothing consumes it here). */
export async function placeOrder(key: string): Promise<string> {
  const res = await sendJson('POST', '/api/v1/orders', orderBody, { 'idempotency-key': `http-semantics-${key}-${Date.now()}` });
  expect(res.status, res.text).toBe(202);
  return JSON.parse(res.text).order_id;
}
export const orderBody = { customer_id: 'cust-http', items: [{ sku: STUDENT, quantity: 1 }], payment: { method: 'card', token: 'tok_ok' } };
