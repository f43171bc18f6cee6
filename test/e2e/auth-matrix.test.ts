import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/role.js';
import type { Permission } from '../../shared/entity/define-entity.js';
import { type FunctionDeclaration, type RouteDeclaration, routePermission, servedRoutes } from '../../shared/entity/entity-functions.js';
import { functions } from '../../shared/registry.js';
import { type ApiResponse, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectNoLeak, expectProblem } from './support/problem-assertions.js';
import { forgedTokens, tokenFor } from './support/tokens.js';

/**
 * The auth matrix, generated from the registry: every route of every non-public function
 * against every way of presenting credentials, and every public route against credentials
 * it must ignore. A new function joins the matrix by being registered.
 */

const BELOW: Record<Exclude<Permission, 'public'>, Role | null> = { viewer: null, staff: 'viewer', admin: 'staff' };

interface RouteCase {
  label: string;
  fn: FunctionDeclaration;
  route: RouteDeclaration;
  path: string;
  /** What the route needs: its own permission, else its function's (bulk-delete needs more than bulk-update). */
  permission: Permission;
}

/** A concrete path for a route template; any placeholder value will do, only access is judged. */
// `{table}` (the table API) names a real table, so its own per-table permission check runs too.
const concrete = (template: string) => template.replace('{table}', 'students').replace(/\{[^}]+\}/g, 'MATRIX-01');
const routeCases = (fns: readonly FunctionDeclaration[]): RouteCase[] =>
  fns.flatMap((fn) =>
    servedRoutes(fn).map((route) => ({
      label: `${route.method} ${route.path}`,
      fn,
      route,
      path: concrete(route.path),
      permission: routePermission(fn, route),
    })),
  );

const protectedRoutes = routeCases(functions.filter((fn) => fn.permission !== 'public'));
const publicRoutes = [
  ...routeCases(functions.filter((fn) => fn.permission === 'public')),
  // The $default route: anything no route matched.
  ...functions
    .filter((fn) => fn.defaultRoute)
    .flatMap((fn) =>
      ['GET', 'POST', 'HEAD'].map((method) => ({
        label: `$default (${method})`,
        fn,
        route: { method, path: '/nowhere' } as RouteDeclaration,
        path: '/api/v1/nowhere',
        permission: 'public' as const,
      })),
    ),
];

let api: LocalApi;
let revokedToken: string;

beforeAll(async () => {
  api = await startLocalApi();
  // Revocations live in DynamoDB (this file's own table), not in Redis: always tested.
  revokedToken = await tokenFor('admin', { jti: `matrix-revoked-${Date.now()}` });
  const [, payload] = revokedToken.split('.');
  const { jti, exp } = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  const revoked = await api.request('POST', '/api/v1/admin/tokens/revoke', { as: 'admin', json: { jti, exp } });
  expect(revoked.status, revoked.text).toBe(204);
});
afterAll(async () => {
  await api?.close();
});

function call(routeCase: RouteCase, headers: Record<string, string>): Promise<ApiResponse> {
  const method = routeCase.route.method;
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return api.request(method, routeCase.path, { as: null, headers, ...(withBody ? { json: {} } : {}) });
}

/** 401 with a Bearer challenge; GET-like answers also carry the problem body. */
function expectUnauthorized(res: ApiResponse, routeCase: RouteCase, secret: string, code?: string): void {
  expect(res.status, res.text).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="records-platform"/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  if (routeCase.route.method !== 'HEAD') {
    expectProblem(res, 401);
    if (code) expect(res.body.code).toBe(code);
  }
  expectNoSecret(res, secret);
}

function expectNoSecret(res: ApiResponse, secret: string): void {
  if (!secret) return;
  expect(res.text).not.toContain(secret);
  // Not even the signature or payload on its own.
  for (const part of secret.split('.').filter((segment) => segment.length > 8)) expect(res.text).not.toContain(part);
  for (const [, value] of res.headers) expect(value).not.toContain(secret);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe.each(protectedRoutes)('$label (permission: $permission)', (routeCase) => {
  const permission = routeCase.permission as Exclude<Permission, 'public'>;

  it('answers 401 with WWW-Authenticate without credentials', async () => {
    expectUnauthorized(await call(routeCase, {}), routeCase, '', 'auth.credentialsMissing');
  });

  it.each([
    ['a bad signature', forgedTokens.badSignature],
    ['alg: none', forgedTokens.algNone],
    ['HS256 signed with the public key', forgedTokens.hs256WithPublicKey],
    ['a wrong audience', forgedTokens.wrongAudience],
    ['a wrong issuer', forgedTokens.wrongIssuer],
  ])('answers 401 to a token with %s', async (_reason, forge) => {
    const token = await forge();
    expectUnauthorized(await call(routeCase, bearer(token)), routeCase, token, 'auth.credentialsInvalid');
  });

  it('answers 401 to an expired token', async () => {
    const token = await forgedTokens.expired();
    expectUnauthorized(await call(routeCase, bearer(token)), routeCase, token, 'auth.tokenExpired');
  });

  it('answers 401 to a revoked token', async () => {
    expectUnauthorized(await call(routeCase, bearer(revokedToken)), routeCase, revokedToken, 'auth.credentialsRevoked');
  });

  it('answers 401 to a malformed API key and to a non-Bearer Authorization', async () => {
    expectUnauthorized(await call(routeCase, { 'x-api-key': 'not-a-key' }), routeCase, 'not-a-key', 'auth.credentialsInvalid');
    expectUnauthorized(await call(routeCase, { authorization: 'Basic YWRtaW46YWRtaW4=' }), routeCase, 'YWRtaW46YWRtaW4=');
  });

  it(`answers 403 to a valid token whose role is below ${permission}`, async () => {
    const token = await tokenFor(BELOW[permission]);
    const res = await call(routeCase, bearer(token));
    expect(res.status, res.text).toBe(403);
    if (routeCase.route.method !== 'HEAD') {
      expectProblem(res, 403);
      expect(res.body.code).toBe('auth.insufficientRole');
    }
    expectNoSecret(res, token);
  });

  it(`lets a valid ${permission} token through`, async () => {
    const token = await tokenFor(permission);
    const res = await call(routeCase, bearer(token));
    expect([401, 403], `${res.status} ${res.text}`).not.toContain(res.status);
    expect(res.status).toBeLessThan(500);
    expectNoSecret(res, token);
  });
});

describe.each(publicRoutes)('public $label', (routeCase) => {
  it.each([
    ['no credentials', async () => ({})],
    ['a forged token', async () => bearer(await forgedTokens.badSignature())],
    ['an expired token', async () => bearer(await forgedTokens.expired())],
    ['a malformed API key', async () => ({ 'x-api-key': 'ak_nope' })],
  ])('never answers 401 or 403, with %s', async (_what, headers) => {
    const res = await call(routeCase, await headers());
    expect([401, 403], `${res.status} ${res.text}`).not.toContain(res.status);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expectNoLeak(res.text);
  });
});

describe('the local identity provider', () => {
  it('publishes its public key, and only the public key, at /.well-known/jwks.json', async () => {
    const res = await api.request('GET', '/.well-known/jwks.json', { as: null });
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    expect(Object.keys(res.body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});
