import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inBatches, type Json, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';

/**
 * Bulk update and delete through the local gateway and the bundles: route permissions
 * (staff updates, admin deletes), where required, cursor continuation under a small read
 * budget until the cursor runs out, and the list's counts and cached reads agreeing afterwards.
 */
const BASE = '/api/v1/students';
const COUNT = 40;
let api: LocalApi;

beforeAll(async () => {
  // Small budgets: the scans below need several calls, each continued by its cursor.
  process.env.QUERY_READ_BUDGET = '8';
  process.env.BULK_READ_BUDGET = '16';
  api = await startLocalApi({ role: 'admin' });
  const created = await inBatches(
    Array.from({ length: COUNT }, (_, n) => n),
    4,
    (n) =>
      api.request('POST', BASE, {
        json: { student_id: `E${String(n).padStart(3, '0')}`, first_name: 'Bulk', last_name: 'E2e', hometown: ['Hanoi', 'Hue'][n % 2], math_score: n % 10 },
      }),
  );
  for (const res of created) expect(res.status, res.text).toBe(201);
});
afterAll(async () => {
  await api?.close();
  delete process.env.QUERY_READ_BUDGET;
  delete process.env.BULK_READ_BUDGET;
});

/** Calls a bulk route until its cursor runs out; every answer. */
async function exhaust(path: string, body: Record<string, unknown>): Promise<Json[]> {
  const answers: Json[] = [];
  let cursor: string | undefined;
  for (let call = 0; call < 100; call++) {
    const res = await api.request('POST', path, { json: { ...body, ...(cursor ? { cursor } : {}) } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-query-plan')).toBeTruthy();
    answers.push(res.body);
    if (res.body.cursor === null) return answers;
    cursor = res.body.cursor;
  }
  throw new Error('the cursor never ran out');
}
const total = (answers: Json[], key: string) => answers.reduce((sum, a) => sum + a[key], 0);

describe('bulk operations through the local gateway', () => {
  it('enforces the route permissions: viewer 403 on both, staff 403 on delete, anonymous 401', async () => {
    const body = { json: { where: { math_score: { eq: 1 } }, set: { hometown: 'X' } } };
    expectProblem(await api.request('POST', `${BASE}/bulk-update`, { ...body, as: 'viewer' }), 403);
    expectProblem(await api.request('POST', `${BASE}/bulk-delete`, { json: { where: { math_score: { eq: 1 } } }, as: 'staff' }), 403);
    expectProblem(await api.request('POST', `${BASE}/bulk-delete`, { json: { where: { math_score: { eq: 1 } } }, as: null }), 401);
  });

  it('refuses an absent or empty where with 400 bulk.whereRequired', async () => {
    for (const json of [{ set: { hometown: 'X' } }, { where: {}, set: { hometown: 'X' } }]) {
      const res = await api.request('POST', `${BASE}/bulk-update`, { json, as: 'staff' });
      expectProblem(res, 400);
      expect(res.body.code).toBe('bulk.whereRequired');
    }
  });

  it('dry-runs, updates and deletes across budgeted calls; counts and cached reads agree afterwards', async () => {
    const where = { math_score: { lt: 4 } };
    const expected = Array.from({ length: COUNT }, (_, n) => n).filter((n) => n % 10 < 4).length;
    const cached = await api.request('GET', `${BASE}/E001`);
    expect(cached.body).toMatchObject({ hometown: 'Hue', version: 1 });
    const dry = await exhaust(`${BASE}/bulk-update`, { where, set: { hometown: 'Hanoi' }, dry_run: true });
    expect(dry.length).toBeGreaterThan(1);
    expect(total(dry, 'matched')).toBe(expected);
    const updated = await exhaust(`${BASE}/bulk-update`, { where, set: { hometown: 'Hanoi' } });
    expect(total(updated, 'matched')).toBe(expected);
    expect(total(updated, 'updated') + total(updated, 'unchanged')).toBe(expected);
    expect(total(updated, 'updated')).toBe(expected / 2); // half of them lived in Hue
    expect((await api.request('GET', `${BASE}/E001`)).body).toMatchObject({ hometown: 'Hanoi', version: 2 });
    const hanoi = await api.request('GET', `${BASE}?hometown=hanoi&page_size=1`);
    expect(hanoi.body.total).toBe(COUNT / 2 + expected / 2);
    const deleted = await exhaust(`${BASE}/bulk-delete`, { where });
    expect(total(deleted, 'deleted')).toBe(expected);
    expect((await api.request('GET', `${BASE}/E001`)).status).toBe(404);
    expect((await api.request('GET', `${BASE}?page_size=1`)).body.total).toBe(COUNT - expected);
    // Nothing is left to match: the same delete again deletes nothing.
    expect(total(await exhaust(`${BASE}/bulk-delete`, { where }), 'deleted')).toBe(0);
  });
});
