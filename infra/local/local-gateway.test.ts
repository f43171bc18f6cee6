import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { type LocalGateway, startLocalGateway } from './local-gateway.js';
import { LambdaInvoker } from './lambda-invoker.js';

/**
 * API Gateway's part of authorization, played by the local gateway: the authorizer runs
 * before non-public routes only, and its context reaches the function as
 * `requestContext.authorizer.lambda`. Bundles are replaced by an invoker that records calls.
 */
const declaration = (id: string, permission: FunctionDeclaration['permission'], path: string): FunctionDeclaration => ({
  id,
  entry: `functions/${id}.ts`,
  description: id,
  routes: [{ method: 'GET', path }],
  permission,
  tables: [],
  cacheControl: 'no-store',
});
const open = declaration('open', 'public', '/open');
const closed = declaration('closed', 'viewer', '/closed');
const fallback: FunctionDeclaration = { ...declaration('fallback', 'public', '/'), routes: [], defaultRoute: true };
const authorizer: LambdaDeclaration = { id: 'authorizer', entry: 'functions/auth/authorizer.ts', description: 'authorizer', tables: [] };

class RecordingInvoker extends LambdaInvoker {
  readonly calls: { id: string; event: Record<string, any> }[] = [];
  constructor(private readonly authorizerResult: () => unknown) {
    super();
  }
  override async invoke(fn: LambdaDeclaration, event: unknown): Promise<unknown> {
    this.calls.push({ id: fn.id, event: event as Record<string, any> });
    if (fn.id === 'authorizer') return this.authorizerResult();
    const seen = (event as { requestContext: { authorizer?: unknown } }).requestContext.authorizer ?? null;
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seen }) };
  }
}

let gateway: LocalGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(authorizerResult: () => unknown) {
  const invoker = new RecordingInvoker(authorizerResult);
  gateway = await startLocalGateway({ functions: [open, closed, fallback], authorizer, invoker, port: 0, jwks: { keys: [] } });
  return invoker;
}

const get = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${gateway!.url}${path}`, init);
  return { status: res.status, body: await res.json().catch(() => undefined) };
};

describe('local gateway authorization', () => {
  it('runs the authorizer before a protected route and hands its context to the function', async () => {
    const invoker = await start(() => ({ isAuthorized: true, context: { principal: '{"sub":"u"}' } }));
    const res = await get('/closed?x=1', { headers: { authorization: 'Bearer t' } });
    expect(res).toEqual({ status: 200, body: { seen: { lambda: { principal: '{"sub":"u"}' } } } });
    expect(invoker.calls.map((call) => call.id)).toEqual(['authorizer', 'closed']);
    expect(invoker.calls[0]!.event).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeKey: 'GET /closed',
      identitySource: [],
      headers: { authorization: 'Bearer t' },
      queryStringParameters: { x: '1' },
    });
  });

  it('never runs it for public routes, $default or preflights', async () => {
    const invoker = await start(() => ({ isAuthorized: true, context: {} }));
    expect((await get('/open')).body).toEqual({ seen: null });
    await get('/nowhere');
    await fetch(`${gateway!.url}/closed`, { method: 'OPTIONS' });
    expect(invoker.calls.map((call) => call.id)).toEqual(['open', 'fallback', 'closed']);
  });

  it('answers 403 like API Gateway when the authorizer says no', async () => {
    const invoker = await start(() => ({ isAuthorized: false }));
    expect(await get('/closed')).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect(invoker.calls.map((call) => call.id)).toEqual(['authorizer']);
  });

  it('answers 500 like API Gateway when the authorizer fails or answers nonsense', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await start(() => {
      throw new Error('boom');
    });
    expect(await get('/closed')).toEqual({ status: 500, body: { message: 'Internal Server Error' } });
    await gateway!.close();
    await start(() => ({ isAuthorized: 'yes', context: { nested: { not: 'allowed' } } }));
    expect((await get('/closed')).status).toBe(500);
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
  });

  it('serves the identity provider keys at /.well-known/jwks.json', async () => {
    await start(() => ({ isAuthorized: true }));
    expect(await get('/.well-known/jwks.json')).toEqual({ status: 200, body: { keys: [] } });
  });
});
