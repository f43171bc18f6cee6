import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.js';
import type { Permission } from '../../entity/define-entity.js';
import { createHttpHandler } from '../create-http-handler.js';

/** A handler with the given permission that echoes the principal it was handed. */
function handlerFor(permission: Permission) {
  const seen: (Principal | undefined)[] = [];
  const handler = createHttpHandler({
    declaration: { id: `test-${permission}`, cacheControl: 'no-store', permission },
    handle: async ({ principal }) => {
      seen.push(principal);
      return { statusCode: 200, body: { ok: true } };
    },
  });
  return { handler, seen };
}

function event(lambda?: Record<string, unknown>, method = 'GET'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: '/things', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'Kx9pQhXxFiAEJdQ=',
      routeKey: 'GET /things',
      stage: '$default',
      time: '01/Jan/2025:12:00:00 +0000',
      timeEpoch: 1735732800000,
      ...(lambda ? { authorizer: { lambda } } : {}),
    },
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const principal = (role: Principal['role'], method: Principal['method'] = 'jwt') =>
  JSON.stringify({ sub: 'user-1', role, method, ...(method === 'jwt' ? { jti: 'j-1' } : {}) });

async function call(permission: Permission, lambda?: Record<string, unknown>, method = 'GET') {
  const { handler, seen } = handlerFor(permission);
  const res = (await handler(event(lambda, method), context)) as APIGatewayProxyStructuredResultV2;
  const headers = res.headers ?? {};
  return { res, seen, headers, body: res.body ? JSON.parse(res.body) : undefined };
}

describe('authorize', () => {
  it('lets public routes through without looking for an identity', async () => {
    const { res, seen } = await call('public');
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([undefined]);
  });

  it('answers 401 with a Bearer challenge when the route ran no authorizer (fails closed)', async () => {
    const { res, headers, body, seen } = await call('viewer');
    expect(res.statusCode).toBe(401);
    expect(headers['www-authenticate']).toBe('Bearer realm="records-platform"');
    expect(headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(headers['cache-control']).toBe('no-store');
    expect(body).toMatchObject({ status: 401, code: 'auth.credentialsMissing', title: 'Unauthorized' });
    expect(seen).toEqual([]);
  });

  it.each([
    ['missing', 401, 'auth.credentialsMissing'],
    ['malformed', 401, 'auth.credentialsInvalid'],
    ['invalid', 401, 'auth.credentialsInvalid'],
    ['expired', 401, 'auth.tokenExpired'],
    ['revoked', 401, 'auth.credentialsRevoked'],
    ['something-new', 401, 'auth.credentialsMissing'],
  ])('maps the authorizer failure %s to %i %s', async (failure, status, code) => {
    const { res, body, headers } = await call('viewer', { failure });
    expect(res.statusCode).toBe(status);
    expect(body.code).toBe(code);
    expect(headers['www-authenticate']).toMatch(/^Bearer realm="records-platform"/);
    if (failure !== 'missing' && failure !== 'something-new') expect(headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('answers 503 with Retry-After when the authorizer could not reach its dependencies', async () => {
    const { res, headers, body } = await call('viewer', { failure: 'unavailable' });
    expect(res.statusCode).toBe(503);
    expect(headers['retry-after']).toBe('5');
    expect(body.code).toBe('dependency.unavailable');
  });

  it('treats an unreadable principal as invalid credentials', async () => {
    for (const bad of ['{not json', JSON.stringify({ sub: 'u', role: 'root', method: 'jwt' }), JSON.stringify({ role: 'admin', method: 'jwt' })]) {
      const { res, body } = await call('viewer', { principal: bad });
      expect(res.statusCode).toBe(401);
      expect(body.code).toBe('auth.credentialsInvalid');
    }
  });

  it.each([
    ['viewer', null],
    ['staff', 'viewer'],
    ['admin', 'staff'],
  ] as const)('answers 403 insufficient_scope when a %s route is called with role %s', async (permission, role) => {
    const { res, body, headers, seen } = await call(permission, { principal: principal(role) });
    expect(res.statusCode).toBe(403);
    expect(body).toMatchObject({ status: 403, title: 'Forbidden', code: 'auth.insufficientRole' });
    expect(body.detail).toContain(permission);
    expect(headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(seen).toEqual([]);
  });

  it.each([
    ['viewer', 'viewer'],
    ['viewer', 'admin'],
    ['staff', 'staff'],
    ['staff', 'admin'],
    ['admin', 'admin'],
  ] as const)('lets a %s route through for role %s and hands business code the principal', async (permission, role) => {
    const { res, seen } = await call(permission, { principal: principal(role) });
    expect(res.statusCode).toBe(200);
    expect(seen).toEqual([{ sub: 'user-1', role, method: 'jwt', jti: 'j-1' }]);
  });

  it('accepts API-key principals like token principals', async () => {
    const { res, seen } = await call('staff', { principal: principal('staff', 'api_key') });
    expect(res.statusCode).toBe(200);
    expect(seen[0]).toEqual({ sub: 'user-1', role: 'staff', method: 'api_key' });
  });

  it('never echoes the Authorization header in a refusal', async () => {
    const { res } = await call('admin', { principal: principal('viewer') });
    expect(JSON.stringify(res)).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  describe('when the revocation of the credential could not be checked', () => {
    const unchecked = (role: Principal['role']) => ({ principal: principal(role), revocation: 'unchecked' });

    it.each([
      ['POST', 'staff'],
      ['PUT', 'staff'],
      ['PATCH', 'staff'],
      ['DELETE', 'admin'],
      ['GET', 'admin'],
      ['POST', 'admin'],
    ] as const)('refuses %s on a %s route with 503 + Retry-After, running no business code', async (method, permission) => {
      const { res, seen, headers, body } = await call(permission, unchecked('admin'), method);
      expect(res.statusCode).toBe(503);
      expect(headers['retry-after']).toBe('5');
      expect(headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(body).toMatchObject({ status: 503, code: 'dependency.unavailable' });
      expect(seen).toEqual([]);
    });

    it('lets a read through (fail open, metered)', async () => {
      const { res, seen } = await call('viewer', unchecked('staff'));
      expect(res.statusCode).toBe(200);
      expect(seen).toEqual([{ sub: 'user-1', role: 'staff', method: 'jwt', jti: 'j-1' }]);
    });

    it('treats any revocation marker other than absent as unchecked', async () => {
      const { res } = await call('staff', { principal: principal('admin'), revocation: 'something-else' }, 'POST');
      expect(res.statusCode).toBe(503);
    });
  });

  it('answers 429 + Retry-After when the authorizer found the source out of failed-attempt budget', async () => {
    const { res, seen, headers, body } = await call('viewer', { failure: 'throttled', retryAfter: 7 });
    expect(res.statusCode).toBe(429);
    expect(headers['retry-after']).toBe('7');
    expect(body).toMatchObject({ status: 429, code: 'auth.tooManyFailures' });
    expect(seen).toEqual([]);
  });

  it("enforces a route's own permission by route key, and the function's on its other routes", async () => {
    const handler = createHttpHandler({
      declaration: {
        id: 'test-routes',
        cacheControl: 'no-store',
        permission: 'staff',
        routes: [
          { method: 'GET', path: '/things' },
          { method: 'POST', path: '/things/purge', permission: 'admin' },
        ],
      },
      handle: async () => ({ statusCode: 200, body: { ok: true } }),
    });
    const on = (routeKey: string, role: Principal['role']) => {
      const base = event({ principal: principal(role) }, routeKey.split(' ')[0]);
      return handler({ ...base, routeKey, requestContext: { ...base.requestContext, routeKey } }, context) as Promise<APIGatewayProxyStructuredResultV2>;
    };
    expect((await on('POST /things/purge', 'staff')).statusCode).toBe(403);
    expect((await on('POST /things/purge', 'admin')).statusCode).toBe(200);
    expect((await on('GET /things', 'staff')).statusCode).toBe(200);
    expect((await on('GET /things', 'viewer')).statusCode).toBe(403);
  });
});
