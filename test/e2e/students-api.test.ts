import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, type LocalApi, type RequestOptions, startLocalApi } from './support/local-api.js';
import { errorLocs, expectNoLeak, expectProblem } from './support/problem-assertions.js';

let api: LocalApi;
const BASE = '/api/v1/students';
const JSON_TYPE = 'application/json; charset=utf-8';

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
});
afterAll(async () => {
  await api?.close();
});

const call = (method: string, path: string, options?: RequestOptions) => api.request(method, path, options);
const create = (student: Record<string, unknown>) => call('POST', BASE, { json: student });

/** A fresh student for tests that must not share state. */
async function given(id: string, extra: Record<string, unknown> = {}): Promise<ApiResponse> {
  const res = await create({ student_id: id, first_name: 'Test', last_name: 'Student', ...extra });
  expect(res.status, res.text).toBe(201);
  return res;
}

function expectCommonHeaders(res: ApiResponse): void {
  expect(res.headers.get('x-request-id')).toMatch(/\S{4,}/);
  expect(res.headers.get('x-process-time')).toMatch(/^\d+\.\d+$/);
  expect(Number(res.headers.get('x-process-time'))).toBeLessThan(30);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
}

describe('student lifecycle', () => {
  it('creates, reads, lists, patches with If-Match, puts, deletes and then answers 404', async () => {
    const created = await create({
      student_id: '  life-01 ',
      first_name: '  Đặng ',
      last_name: 'Thu Hà',
      email: 'dang.ha@example.com',
      hometown: 'Hanoi',
      math_score: 8.5,
      literature_score: 7.5,
      english_score: 9.0,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('location')).toBe(`${BASE}/LIFE-01`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('content-type')).toBe(JSON_TYPE);
    expectCommonHeaders(created);
    expect(created.body).toMatchObject({
      student_id: 'LIFE-01',
      first_name: 'Đặng',
      last_name: 'Thu Hà',
      full_name: 'Đặng Thu Hà',
      email: 'dang.ha@example.com',
      hometown: 'Hanoi',
      average_score: 8.33,
      grade: 'Excellent',
      version: 1,
    });
    expect(created.body.created_at).toBe(created.body.updated_at);
    expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);
    expect(Object.keys(created.body).filter((key) => key === 'pk' || key.startsWith('_'))).toEqual([]);

    const got = await call('GET', `${BASE}/life-01`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.body).toEqual(created.body);

    const listed = await call('GET', `${BASE}?search=life-01`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, page: 1, page_size: 10, total_pages: 1, has_next: false, has_prev: false, next_cursor: null });
    expect(listed.body.items).toEqual([created.body]);

    const patched = await call('PATCH', `${BASE}/LIFE-01`, { json: { math_score: null, hometown: 'Hue' }, headers: { 'if-match': '"1"' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(patched.body).toMatchObject({ version: 2, math_score: null, hometown: 'Hue', first_name: 'Đặng', average_score: 8.25, grade: 'Excellent' });
    expect(patched.body.created_at).toBe(created.body.created_at);
    expect(patched.body.updated_at >= created.body.updated_at).toBe(true);

    const put = await call('PUT', `${BASE}/LIFE-01`, { json: { literature_score: 4, english_score: 5 }, headers: { 'if-match': '"2"' } });
    expect(put.status, put.text).toBe(200);
    expect(put.headers.get('etag')).toBe('"3"');
    expect(put.body).toMatchObject({ version: 3, hometown: 'Hue', email: 'dang.ha@example.com', average_score: 4.5, grade: 'Below Average' });

    const deleted = await call('DELETE', `${BASE}/LIFE-01`, { headers: { 'if-match': '"3"' } });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectCommonHeaders(deleted);

    expectProblem(await call('GET', `${BASE}/LIFE-01`), 404);
    const afterList = await call('GET', `${BASE}?search=life-01`);
    expect(afterList.body).toMatchObject({ total: 0, items: [], total_pages: 0 });
  });

  it('reads a student case-insensitively and derives null average and grade when no score is set', async () => {
    await given('case-01');
    const got = await call('GET', `${BASE}/Case-01`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ student_id: 'CASE-01', email: null, hometown: null, average_score: null, grade: null, full_name: 'Test Student' });
  });

  it('accepts If-Match * and a matching strong ETag, and bumps the version each time', async () => {
    await given('ifm-01');
    const star = await call('PATCH', `${BASE}/ifm-01`, { json: { hometown: 'Hue' }, headers: { 'if-match': '*' } });
    expect(star.status).toBe(200);
    expect(star.body.version).toBe(2);
    const current = await call('PATCH', `${BASE}/ifm-01`, { json: { hometown: 'Vinh' }, headers: { 'if-match': '"2"' } });
    expect(current.status).toBe(200);
    expect(current.body.version).toBe(3);
  });

  it('accepts an If-Match list that contains the current ETag (RFC 9110 §13.1.1)', async () => {
    await given('ifm-02');
    await call('PATCH', `${BASE}/ifm-02`, { json: { hometown: 'Hue' } }); // now at version 2
    const res = await call('PATCH', `${BASE}/ifm-02`, { json: { hometown: 'Vinh' }, headers: { 'if-match': '"1", "2"' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.version).toBe(3);
  });

  it('serves HEAD from the GET route with headers and no body', async () => {
    await given('head-01');
    const res = await call('HEAD', `${BASE}/head-01`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.text).toBe('');
  });
});

describe('headers', () => {
  it('echoes a safe incoming X-Request-Id in the header and in problem bodies', async () => {
    const res = await call('GET', `${BASE}/NOPE-404`, { headers: { 'x-request-id': 'client-req.0001:abc' } });
    expect(res.headers.get('x-request-id')).toBe('client-req.0001:abc');
    expect(res.body.request_id).toBe('client-req.0001:abc');
  });

  it.each([
    ['with spaces and <tags>', 'unsafe characters'],
    ['short', 'too short'],
    ['x'.repeat(129), 'too long'],
  ])('replaces an unsafe X-Request-Id (%s: %s) with its own', async (given) => {
    const res = await call('GET', `${BASE}/NOPE-404`, { headers: { 'x-request-id': given } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/\S{4,}/);
    expect(id).not.toBe(given);
    expect(res.body.request_id).toBe(id);
  });

  it('gives every request its own id', async () => {
    const [a, b] = await Promise.all([call('GET', '/health'), call('GET', '/health')]);
    expect(a!.headers.get('x-request-id')).not.toBe(b!.headers.get('x-request-id'));
  });

  it('puts security, timing and request-id headers on error responses too', async () => {
    const res = await call('GET', `${BASE}/NOPE-404`);
    expectProblem(res, 404);
    expectCommonHeaders(res);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('errors', () => {
  it('answers 409 when the student_id exists, whatever its case and padding', async () => {
    await given('dup-01');
    const res = await create({ student_id: ' Dup-01 ', first_name: 'Other', last_name: 'Person' });
    expectProblem(res, 409);
    expect(res.body.detail).toContain('DUP-01');
    const unchanged = await call('GET', `${BASE}/DUP-01`);
    expect(unchanged.body).toMatchObject({ first_name: 'Test', version: 1 });
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { hometown: 'Hue' }],
    ['PUT', { hometown: 'Hue' }],
    ['DELETE', undefined],
  ])('answers 404 for %s of a missing student', async (method, json) => {
    expectProblem(await call(method, `${BASE}/MISSING-01`, { json }), 404);
  });

  it.each([
    ['PATCH', { student_id: 'OTHER' }, ['body', 'student_id'], 'immutable_field'],
    ['PUT', { student_id: 'IMM-01', first_name: 'X' }, ['body', 'student_id'], 'immutable_field'],
    ['PATCH', { nickname: 'Bo' }, ['body', 'nickname'], 'extra_forbidden'],
    ['PUT', { created_at: '2020-01-01T00:00:00.000Z' }, ['body', 'created_at'], 'extra_forbidden'],
    ['PATCH', { version: 9 }, ['body', 'version'], 'extra_forbidden'],
    ['PATCH', { first_name: null }, ['body', 'first_name'], 'invalid_type'],
    ['PATCH', { math_score: 10.5 }, ['body', 'math_score'], 'too_big'],
  ])('answers 422 for %s with %j', async (method, json, loc, type) => {
    await call('POST', BASE, { json: { student_id: 'IMM-01', first_name: 'Keep', last_name: 'Me' } });
    const res = await call(method, `${BASE}/IMM-01`, { json });
    expectProblem(res, 422);
    expect(res.body.errors).toContainEqual({ loc, msg: expect.any(String), type });
    const unchanged = await call('GET', `${BASE}/IMM-01`);
    expect(unchanged.body).toMatchObject({ student_id: 'IMM-01', first_name: 'Keep', version: 1 });
  });

  it.each([
    ['PATCH', { hometown: 'Hue' }],
    ['PUT', { hometown: 'Hue' }],
    ['DELETE', undefined],
  ])('answers 412 for %s with a stale If-Match and changes nothing', async (method, json) => {
    const id = `STALE-${method}`;
    await given(id);
    await call('PATCH', `${BASE}/${id}`, { json: { english_score: 6 } }); // now at version 2
    const res = await call(method, `${BASE}/${id}`, { json, headers: { 'if-match': '"1"' } });
    expectProblem(res, 412);
    const current = await call('GET', `${BASE}/${id}`);
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ version: 2, hometown: null });
  });

  it.each(['W/"1"', '"abc"', '1'])('answers 412 when If-Match is %s (never a strong match)', async (ifMatch) => {
    const id = `WEAK-${Buffer.from(ifMatch).toString('hex').slice(0, 8).toUpperCase()}`;
    await given(id);
    expectProblem(await call('PATCH', `${BASE}/${id}`, { json: { hometown: 'Hue' }, headers: { 'if-match': ifMatch } }), 412);
  });

  it.each([
    ['POST', BASE, '{"student_id": "BAD-01",'],
    ['PATCH', `${BASE}/IMM-01`, '{hometown: Hue}'],
    ['PUT', `${BASE}/IMM-01`, "{'hometown': 'Hue'}"],
  ])('answers 400 for malformed JSON on %s', async (method, path, body) => {
    const res = await call(method, path, { body, headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400);
  });

  it.each([
    ['POST', BASE, 'text/plain'],
    ['PUT', `${BASE}/IMM-01`, 'text/plain'],
    ['PATCH', `${BASE}/IMM-01`, 'application/x-www-form-urlencoded'],
    ['POST', BASE, 'application/xml'],
  ])('answers 415 for %s with content-type %s', async (method, path, contentType) => {
    const res = await call(method, path, { body: 'student_id=X1&first_name=A', headers: { 'content-type': contentType } });
    expectProblem(res, 415);
  });

  it('accepts a JSON content type with parameters and +json suffixes', async () => {
    const res = await call('POST', BASE, {
      body: JSON.stringify({ student_id: 'CT-01', first_name: 'A', last_name: 'B' }),
      headers: { 'content-type': 'Application/JSON; charset=UTF-8' },
    });
    expect(res.status, res.text).toBe(201);
  });

  it('answers 422 when POST has no body at all', async () => {
    const res = await call('POST', BASE);
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['body']]);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const res = await create({ student_id: 'BIG-01', first_name: 'A', last_name: 'B', hometown: 'x'.repeat(1_100_000) });
    expectProblem(res, 413);
    expectProblem(await call('GET', `${BASE}/BIG-01`), 404);
  });

  it.each([
    [{ math_score: 'abc' }, ['body', 'math_score']],
    [{ math_score: 11 }, ['body', 'math_score']],
    [{ math_score: -1 }, ['body', 'math_score']],
    [{ literature_score: '9' }, ['body', 'literature_score']],
    [{ english_score: 10.01 }, ['body', 'english_score']],
    [{ email: 'not-an-email' }, ['body', 'email']],
    [{ email: 'a@b' }, ['body', 'email']],
    [{ first_name: '' }, ['body', 'first_name']],
    [{ last_name: '   ' }, ['body', 'last_name']],
    [{ first_name: 'x'.repeat(101) }, ['body', 'first_name']],
    [{ hometown: '' }, ['body', 'hometown']],
    [{ student_id: 'A' }, ['body', 'student_id']],
    [{ student_id: 'abc def' }, ['body', 'student_id']],
    [{ student_id: 'X'.repeat(21) }, ['body', 'student_id']],
    [{ student_id: 'ab#1' }, ['body', 'student_id']],
    [{ student_id: 42 }, ['body', 'student_id']],
    [{ nickname: 'Bo' }, ['body', 'nickname']],
  ])('answers 422 for POST with %j', async (override, loc) => {
    const res = await create({ student_id: 'VALID-01', first_name: 'Valid', last_name: 'Student', ...override });
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([loc]);
  });

  it('reports every invalid field at once, and a missing required field', async () => {
    const res = await create({ student_id: 'MISS-01', math_score: 'abc', email: 'nope' });
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual(
      expect.arrayContaining([
        ['body', 'first_name'],
        ['body', 'last_name'],
        ['body', 'math_score'],
        ['body', 'email'],
      ]),
    );
    expectProblem(await call('GET', `${BASE}/MISS-01`), 404);
  });

  it('answers 422 for a malformed id in the path', async () => {
    const res = await call('GET', `${BASE}/a`);
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['path', 'student_id']]);
  });

  it.each([
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=abc', 'page'],
    ['page=1.5', 'page'],
    ['page_size=0', 'page_size'],
    ['page_size=101', 'page_size'],
    ['page_size=1000', 'page_size'],
    ['page_size=ten', 'page_size'],
    ['sort=unknown', 'sort'],
    ['sort=-email', 'sort'],
    ['sort=%2Bstudent_id', 'sort'],
    ['cursor=not-a-cursor', 'cursor'],
    [`search=${'x'.repeat(101)}`, 'search'],
  ])('answers 422 for list query %s', async (query, param) => {
    const res = await call('GET', `${BASE}?${query}`);
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['query', param]]);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['GET', '/'],
    ['POST', '/api/v2/students'],
    ['GET', `${BASE}/S1/extra`],
  ])('answers 404 problem+json for %s %s', async (method, path) => {
    const res = await call(method, path, method === 'POST' ? { json: {} } : undefined);
    expectProblem(res, 404);
    expectCommonHeaders(res);
  });

  it.each([
    ['DELETE', BASE, ['GET', 'POST', 'HEAD', 'OPTIONS']],
    ['PUT', BASE, ['GET', 'POST', 'HEAD', 'OPTIONS']],
    ['POST', `${BASE}/S1`, ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']],
    ['POST', '/health', ['GET', 'HEAD', 'OPTIONS']],
  ])('answers 405 with Allow for %s %s', async (method, path, allowed) => {
    const res = await call(method, path, { json: {} });
    expectProblem(res, 405);
    const allow = (res.headers.get('allow') ?? '').split(',').map((value) => value.trim());
    expect([...allow].sort()).toEqual([...allowed].sort());
  });
});

describe('health', () => {
  it('reports ok with DynamoDB reachable', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(JSON_TYPE);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({ status: 'ok', checks: { dynamodb: 'ok' }, circuits: expect.objectContaining({ dynamodb: 'closed' }) });
  });
});

describe('no leaks', () => {
  it.each([
    ['POST', BASE, { body: '{"a":', headers: { 'content-type': 'application/json' } }],
    ['POST', BASE, { body: '[1,2', headers: { 'content-type': 'application/json' } }],
    ['POST', BASE, { body: 'null', headers: { 'content-type': 'application/json' } }],
    ['POST', BASE, { body: '"just a string"', headers: { 'content-type': 'application/json' } }],
    ['PATCH', `${BASE}/IMM-01`, { body: '[]', headers: { 'content-type': 'application/json' } }],
    ['GET', `${BASE}?page=${'9'.repeat(400)}`, {}],
    ['GET', `${BASE}/${'%E0%A4%A'}`, {}],
    ['GET', `${BASE}?cursor=${'A'.repeat(5000)}`, {}],
    ['GET', `${BASE}?cursor=a.b`, {}],
  ])('never returns a stack trace or error name (%s %s)', async (method, path, options) => {
    const res = await call(method, path, options as RequestOptions);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expectProblem(res, res.status);
    expectNoLeak(res.text);
  });
});
