import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';

const KEYS = '/api/v1/admin/api-keys';
const STUDENTS = '/api/v1/students';

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
});
afterAll(async () => {
  await api?.close();
});

async function createKey(name: string, role: string): Promise<ApiResponse> {
  const res = await api.request('POST', KEYS, { json: { name, role } });
  expect(res.status, res.text).toBe(201);
  return res;
}

const withKey = (key: string, method: string, path: string, json?: unknown) =>
  api.request(method, path, { headers: { 'x-api-key': key }, ...(json === undefined ? {} : { json }) });

function expectUnauthorized(res: ApiResponse, key: string): void {
  expectProblem(res, 401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  for (const part of [key, ...key.split('.')].filter((text) => text.length > 8)) expect(res.text).not.toContain(part);
}

describe('API keys', () => {
  it('shows the secret once on create, never in the list', async () => {
    const created = await createKey('  Nightly export ', 'viewer');
    const key = created.body.api_key as string;
    expect(key).toMatch(/^ak_[a-z0-9]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(created.body).toEqual({
      key_id: key.split('.')[0],
      name: 'Nightly export',
      role: 'viewer',
      created_at: expect.any(String),
      created_by: 'local-admin',
      api_key: key,
    });
    expect(created.headers.get('location')).toBe(`${KEYS}/${created.body.key_id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');

    const listed = await api.request('GET', KEYS);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('cache-control')).toBe('no-store');
    const entry = listed.body.items.find((item: { key_id: string }) => item.key_id === created.body.key_id);
    expect(entry).toEqual({
      key_id: created.body.key_id,
      name: 'Nightly export',
      role: 'viewer',
      created_at: created.body.created_at,
      created_by: 'local-admin',
    });
    expect(listed.text).not.toContain(key.split('.')[1]);
    expect(listed.text).not.toMatch(/salt|hash|api_key/);
  });

  it('acts with its own role: a staff key writes but may not delete', async () => {
    const key = (await createKey('Importer', 'staff')).body.api_key as string;
    const created = await withKey(key, 'POST', STUDENTS, { student_id: 'KEY-01', first_name: 'Api', last_name: 'Key' });
    expect(created.status, created.text).toBe(201);
    expect((await withKey(key, 'GET', `${STUDENTS}/KEY-01`)).status).toBe(200);
    const deleted = await withKey(key, 'DELETE', `${STUDENTS}/KEY-01`);
    expectProblem(deleted, 403);
    expect(deleted.body.code).toBe('auth.insufficientRole');
    expectProblem(await withKey(key, 'GET', KEYS), 403);
  });

  it('lets a viewer key read only', async () => {
    const key = (await createKey('Dashboard', 'viewer')).body.api_key as string;
    expect((await withKey(key, 'GET', `${STUDENTS}?page_size=1`)).status).toBe(200);
    expectProblem(await withKey(key, 'POST', STUDENTS, { student_id: 'KEY-02', first_name: 'No', last_name: 'Way' }), 403);
  });

  it('refuses a wrong secret, an unknown key id and malformed keys with 401', async () => {
    const key = (await createKey('Target', 'admin')).body.api_key as string;
    const [keyId, secret] = key.split('.') as [string, string];
    const wrongSecret = `${keyId}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    const unknownId = `ak_${'0'.repeat(16)}.${secret}`;
    for (const candidate of [wrongSecret, unknownId, keyId, `${keyId}.`, secret, `${key}x`, 'ak_', `Bearer ${key}`]) {
      expectUnauthorized(await withKey(candidate, 'GET', `${STUDENTS}?page_size=1`), candidate);
    }
  });

  it('refuses a request that sends both a token and an API key', async () => {
    const key = (await createKey('Both', 'admin')).body.api_key as string;
    const res = await api.request('GET', `${STUDENTS}?page_size=1`, { as: 'admin', headers: { 'x-api-key': key } });
    // `as` is ignored once headers carry credentials: send the bearer explicitly.
    expect(res.status).toBe(200);
    const both = await api.request('GET', `${STUDENTS}?page_size=1`, {
      headers: { 'x-api-key': key, authorization: 'Bearer x.y.z' },
    });
    expectUnauthorized(both, key);
  });

  it('stops working within the revocation cache second once revoked, even in a warm authorizer', async () => {
    const created = await createKey('Short-lived', 'staff');
    const key = created.body.api_key as string;
    expect((await withKey(key, 'GET', `${STUDENTS}?page_size=1`)).status).toBe(200); // now cached by the authorizer
    const revoked = await api.request('DELETE', `${KEYS}/${created.body.key_id}`);
    expect(revoked.status, revoked.text).toBe(204);
    // The authorizer may reuse its "not revoked" answer for AUTH_REVOCATION_CACHE_MS (1 s).
    const deadline = Date.now() + 5_000;
    let after = await withKey(key, 'GET', `${STUDENTS}?page_size=1`);
    while (after.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await withKey(key, 'GET', `${STUDENTS}?page_size=1`);
    }
    expectUnauthorized(after, key);
    const listed = await api.request('GET', KEYS);
    expect(listed.body.items.map((item: { key_id: string }) => item.key_id)).not.toContain(created.body.key_id);
    expectProblem(await api.request('DELETE', `${KEYS}/${created.body.key_id}`), 404);
  });

  it('validates create input and key ids', async () => {
    const invalid = await api.request('POST', KEYS, { json: { name: '', role: 'root' } });
    expectProblem(invalid, 422);
    expect(invalid.body.errors.map((error: { loc: string[] }) => error.loc.join('.')).sort()).toEqual(['body.name', 'body.role']);
    expectProblem(await api.request('POST', KEYS, { json: { name: 'x', role: 'viewer', secret: 'mine' } }), 422);
    expectProblem(await api.request('DELETE', `${KEYS}/not-a-key-id`), 422);
    expectProblem(await api.request('DELETE', `${KEYS}/ak_${'9'.repeat(16)}`), 404);
  });

  it('may be managed by admins only', async () => {
    for (const role of ['viewer', 'staff'] as const) {
      expectProblem(await api.request('POST', KEYS, { as: role, json: { name: 'Nope', role: 'admin' } }), 403);
      expectProblem(await api.request('GET', KEYS, { as: role }), 403);
    }
  });
});
