import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { Role } from '../../shared/auth/role.js';
import { authorizer, functions } from '../../shared/registry.js';
import { type ApiResponse, inBatches, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';
import { bearer } from './support/tokens.js';

/**
 * The original table API (docs/table-api.md) through the local gateway and its bundles, over
 * DynamoDB Local: insert, query with a where (body and query string), update and delete that
 * need a where (400 without), unknown tables (404 entity.notFound), the file-named import and
 * the CSV export — each checked against the v1 routes that read the same tables.
 */
let api: LocalApi;
const STUDENTS = Array.from({ length: 12 }, (_, n) => ({
  student_id: `TA${String(n).padStart(2, '0')}`,
  first_name: 'Table',
  last_name: `Api ${n}`,
  hometown: ['Hanoi', 'Hue', 'Da Nang'][n % 3],
  math_score: n % 10,
}));

beforeAll(async () => {
  const ids = new Set(['tables-write', 'tables-query', 'tables-import', 'tables-export', 'students-get', 'products-get', 'imports-get']);
  bundleFunctions([authorizer, ...functions.filter((fn) => ids.has(fn.id))]);
  api = await startLocalApi({ role: 'admin' });
  const created = await inBatches(STUDENTS, 4, (input) => api.request('POST', '/api/students', { json: { input }, as: 'staff' }));
  for (const res of created) expect(res.status, res.text).toBe(201);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

const idsOf = (res: ApiResponse) => res.body.items.map((item: { student_id: string }) => item.student_id).sort();
const expected = (keep: (s: (typeof STUDENTS)[number]) => boolean) =>
  STUDENTS.filter(keep)
    .map((s) => s.student_id)
    .sort();

describe('POST /api/{table} (insert)', () => {
  it('inserts {input} with the v1 create: 201, Location of the v1 item, derived fields; the v1 route reads it', async () => {
    const res = await api.request('POST', '/api/students', {
      json: { input: { student_id: 'ta-new', first_name: 'An', last_name: 'Nguyen', math_score: 9, literature_score: 8, english_score: 7 } },
      as: 'staff',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v1/students/TA-NEW');
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({ student_id: 'TA-NEW', average_score: 8, version: 1 });
    expect((await api.request('GET', '/api/v1/students/TA-NEW')).body).toMatchObject({ first_name: 'An', average_score: 8 });
  });

  it('serves every registered table: a product goes through the same function', async () => {
    const res = await api.request('POST', '/api/products', { json: { input: { sku: 'ta-1', name: 'Pen', price_minor: 150, currency: 'usd' } }, as: 'staff' });
    expect(res.status, res.text).toBe(201);
    expect((await api.request('GET', '/api/v1/products/TA-1')).body).toMatchObject({ name: 'Pen', currency: 'USD', stock_available: 0 });
  });

  it('answers the v1 problems inside input: 422 located at body.input, 409 for a taken id, 422 without input', async () => {
    const bad = await api.request('POST', '/api/students', {
      json: { input: { student_id: 'TA90', first_name: 'X', last_name: 'Y', math_score: 11 } },
      as: 'staff',
    });
    expectProblem(bad, 422);
    expect(bad.body.errors.map((e: { loc: unknown }) => e.loc)).toEqual([['body', 'input', 'math_score']]);
    const taken = await api.request('POST', '/api/students', { json: { input: STUDENTS[0] }, as: 'staff' });
    expectProblem(taken, 409);
    expect(taken.body.code).toBe('student.alreadyExists');
    const readOnly = await api.request('POST', '/api/products', {
      json: { input: { sku: 'TA-2', name: 'Ink', price_minor: 1, currency: 'USD', stock_available: 5 } },
      as: 'staff',
    });
    expectProblem(readOnly, 422);
    expect(readOnly.body.errors).toEqual([expect.objectContaining({ loc: ['body', 'input', 'stock_available'], type: 'read_only_field' })]);
    expectProblem(await api.request('POST', '/api/students', { json: {}, as: 'staff' }), 422);
  });
});

describe('GET and POST /api/{table}/query', () => {
  it('answers exactly the rows a body where matches (shorthand, lists and v1 operators), with X-Query-Plan', async () => {
    const res = await api.request('POST', '/api/students/query', { json: { input: { hometown: 'Hanoi', math_score: { gte: 3 } }, limit: 100 }, as: 'viewer' });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-query-plan')).toMatch(/^index\(/);
    expect(idsOf(res)).toEqual(expected((s) => s.hometown === 'Hanoi' && s.math_score >= 3));
    const listed = await api.request('POST', '/api/students/query', { json: { input: { student_id: ['TA01', 'TA02', 'NOPE'] } }, as: 'viewer' });
    expect(listed.headers.get('x-query-plan')).toBe('batch-get(3)');
    expect(idsOf(listed)).toEqual(['TA01', 'TA02']);
  });

  it('answers the same rows for the query string, typed by the schema, sorted and paged', async () => {
    const res = await api.request('GET', '/api/students/query?hometown=Hue&math_score[lte]=7&sort=-last_name&limit=100&fields=last_name', { as: 'viewer' });
    expect(res.status, res.text).toBe(200);
    expect(idsOf(res)).toEqual(expected((s) => s.hometown === 'Hue' && s.math_score <= 7));
    expect(res.body.items.map((item: { last_name: string }) => item.last_name)).toEqual(
      STUDENTS.filter((s) => s.hometown === 'Hue' && s.math_score <= 7)
        .map((s) => s.last_name)
        .sort()
        .reverse(),
    );
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['last_name', 'student_id']);
    const first = await api.request('GET', '/api/students/query?math_score[between]=0,9&limit=5', { as: 'viewer' });
    expect(first.body.items).toHaveLength(5);
    expect(first.body.cursor).toEqual(expect.any(String));
    const next = await api.request('POST', '/api/students/query', {
      json: { input: { math_score: { between: [0, 9] } }, limit: 5, cursor: first.body.cursor },
      as: 'viewer',
    });
    expect(next.status, next.text).toBe(200);
  });

  it('locates a bad where at the body key or query parameter the client wrote (422)', async () => {
    const body = await api.request('POST', '/api/students/query', { json: { input: { hometown: 'Hue', shoe_size: 42 } }, as: 'viewer' });
    expectProblem(body, 422);
    expect(body.body.errors.map((e: { loc: unknown }) => e.loc)).toEqual([['body', 'input', 'shoe_size']]);
    const query = await api.request('GET', '/api/students/query?math_score[gt]=high&limit=0', { as: 'viewer' });
    expectProblem(query, 422);
    expect(query.body.errors.map((e: { loc: unknown }) => e.loc)).toEqual([['query', 'limit']]);
    const where = await api.request('GET', '/api/students/query?math_score[gt]=high', { as: 'viewer' });
    expect(where.body.errors.map((e: { loc: unknown }) => e.loc)).toEqual([['query', 'math_score[gt]']]);
  });
});

describe('PUT and DELETE /api/{table} (where required)', () => {
  it('refuses an update or delete without a where with 400 bulk.whereRequired, never touching a row', async () => {
    for (const json of [{ input: { hometown: 'Nowhere' } }, { input: { hometown: 'Nowhere' }, where: {} }]) {
      const res = await api.request('PUT', '/api/students', { json, as: 'staff' });
      expectProblem(res, 400);
      expect(res.body.code).toBe('bulk.whereRequired');
    }
    for (const request of [{}, { json: {} }, { json: { input: {} } }]) {
      const res = await api.request('DELETE', '/api/students', { ...request, as: 'admin' });
      expectProblem(res, 400);
      expect(res.body.code).toBe('bulk.whereRequired');
    }
    const all = await api.request('GET', '/api/students/query?hometown=Nowhere', { as: 'viewer' });
    expect(all.body.items).toEqual([]);
  });

  it('updates the rows the where matches through the v1 bulk update; the v1 reads agree', async () => {
    const res = await api.request('PUT', '/api/students', {
      json: { input: { hometown: 'Hai Phong' }, where: { hometown: 'Da Nang', math_score: { lt: 6 } } },
      as: 'staff',
    });
    expect(res.status, res.text).toBe(200);
    const moved = expected((s) => s.hometown === 'Da Nang' && s.math_score < 6);
    expect(res.body).toMatchObject({ matched: moved.length, updated: moved.length, failed: [], cursor: null });
    for (const id of moved) expect((await api.request('GET', `/api/v1/students/${id}`)).body).toMatchObject({ hometown: 'Hai Phong', version: 2 });
    const badSet = await api.request('PUT', '/api/students', { json: { input: { student_id: 'X' }, where: { math_score: 1 } }, as: 'staff' });
    expectProblem(badSet, 422);
    expect(badSet.body.errors).toEqual([expect.objectContaining({ loc: ['body', 'input', 'student_id'], type: 'immutable_field' })]);
  });

  it('deletes the rows the where in input matches; the v1 get answers 404 for them', async () => {
    const res = await api.request('DELETE', '/api/students', { json: { input: { student_id: ['TA10', 'TA11'] } }, as: 'admin' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ matched: 2, deleted: 2, cursor: null });
    expect((await api.request('GET', '/api/v1/students/TA10')).status).toBe(404);
    expect((await api.request('GET', '/api/v1/students/TA09')).status).toBe(200);
  });

  it('applies the v1 permissions per route: viewer cannot insert or update, staff cannot delete, nobody anonymous', async () => {
    expectProblem(await api.request('POST', '/api/students', { json: { input: { student_id: 'TA80', first_name: 'A', last_name: 'B' } }, as: 'viewer' }), 403);
    expectProblem(await api.request('PUT', '/api/students', { json: { input: { hometown: 'X' }, where: { math_score: 1 } }, as: 'viewer' }), 403);
    expectProblem(await api.request('DELETE', '/api/students', { json: { input: { math_score: 1 } }, as: 'staff' }), 403);
    expectProblem(await api.request('GET', '/api/students/query', { as: null }), 401);
  });
});

describe('unknown tables', () => {
  it.each([
    ['POST', '/api/teachers', { input: {} }],
    ['PUT', '/api/teachers', { input: { a: 1 }, where: { a: 1 } }],
    ['DELETE', '/api/teachers', { input: { a: 1 } }],
    ['GET', '/api/teachers/query', undefined],
    ['POST', '/api/teachers/query', { input: {} }],
    ['GET', '/api/batch/teachers/export', undefined],
    ['GET', '/api/batch/products/export', undefined],
    ['POST', '/api/STUDENTS', { input: {} }],
    ['GET', '/api/v1/query', undefined],
  ])('%s %s → 404 entity.notFound', async (method, path, json) => {
    const res = await api.request(method, path, { ...(json ? { json } : {}), as: 'admin' });
    expectProblem(res, 404);
    expect(res.body.code).toBe('entity.notFound');
  });
});

/** POST /api/batch/import with the file in the multipart field `file`. */
async function importFile(filename: string, csv: string, role: Role = 'staff', query = ''): Promise<ApiResponse> {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), filename);
  const res = await fetch(`${api.url}/api/batch/import${query}`, { method: 'POST', headers: await bearer(role), body: form });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined };
}

describe('POST /api/batch/import', () => {
  it('imports into the table the file name names (students.csv), as a recorded direct import job', async () => {
    const res = await importFile(
      'students.csv',
      ['student_id,first_name,last_name,hometown,math_score', 'TB01,Binh,Tran,Hue,7', 'TB02,Chi,Le,Hue,9'].join('\n'),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ total_rows: 2, created: 2, errors: 0 });
    expect(res.headers.get('location')).toBe(`/api/v1/imports/${res.body.import_id}`);
    expect((await api.request('GET', '/api/v1/students/TB02')).body).toMatchObject({ first_name: 'Chi', math_score: 9 });
    const job = await api.request('GET', `/api/v1/imports/${res.body.import_id}`, { as: 'viewer' });
    expect(job.body).toMatchObject({ entity: 'students', status: 'completed', source: { door: 'direct', key: 'students.csv' } });
    const upsert = await importFile('students.csv', 'student_id,first_name,last_name\nTB01,Binh,Tran-Le\n', 'staff', '?mode=upsert');
    expect(upsert.body).toMatchObject({ updated: 1, created: 0 });
  });

  it('answers 404 entity.notFound for a file naming no importable table, 415 for a raw body, 403 for a viewer', async () => {
    for (const name of ['teachers.csv', 'products.csv', 'roster.csv']) {
      const res = await importFile(name, 'sku,name\nA1,B\n');
      expectProblem(res, 404);
      expect(res.body.code).toBe('entity.notFound');
    }
    const raw = await api.request('POST', '/api/batch/import', { body: 'student_id\nX1\n', headers: { 'content-type': 'text/csv' }, as: 'staff' });
    expectProblem(raw, 415);
    expectProblem(await importFile('students.csv', 'student_id\nTB99\n', 'viewer'), 403);
  });
});

describe('GET /api/batch/{table}/export', () => {
  it('answers the table as CSV (the v1 export path), with the v1 filters', async () => {
    const res = await api.request('GET', '/api/batch/students/export', { as: 'viewer' });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="students-\d{8}-\d{6}\.csv"$/);
    const rows = Papa.parse<Record<string, string>>(res.text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    const listed = await api.request('GET', '/api/v1/students?page_size=1');
    expect(rows).toHaveLength(listed.body.total);
    expect(res.headers.get('x-export-rows')).toBe(String(listed.body.total));
    expect(rows.map((row) => row.student_id)).toEqual(expect.arrayContaining(['TA00', 'TA-NEW', 'TB01']));
    const hue = await api.request('GET', '/api/batch/students/export?hometown=hue', { as: 'viewer' });
    const hueRows = Papa.parse<Record<string, string>>(hue.text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
    expect(hueRows.length).toBeGreaterThan(0);
    expect(hueRows.every((row) => row.hometown === 'Hue')).toBe(true);
    expectProblem(await api.request('GET', '/api/batch/students/export?format=pdf', { as: 'viewer' }), 422);
  });
});
