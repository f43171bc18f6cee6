import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import type { Permission } from '../../entity/define-entity.js';
import type { RequestMetricsSnapshot, RequestMetricsStore, RequestSample } from '../../metrics/request-metrics-store.js';
import { createHttpHandler } from '../create-http-handler.js';

/** A store that keeps what it is given, at the port the factory's middleware resolves. */
const fake = vi.hoisted(() => ({
  samples: [] as RequestSample[],
  failing: false,
  present: true,
}));
vi.mock('../../metrics/request-metrics-container.js', () => ({
  requestMetricsStore: (): RequestMetricsStore | undefined =>
    fake.present
      ? {
          record: async (sample) => {
            if (fake.failing) throw new Error('Redis went away');
            fake.samples.push(sample);
          },
          snapshot: async (): Promise<RequestMetricsSnapshot> => ({ since: null, routes: [] }),
        }
      : undefined,
}));

const ROUTE_KEY = 'GET /api/v1/things/{thing_id}';

function event(routeKey: string | undefined = ROUTE_KEY, query = ''): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: routeKey as string,
    rawPath: '/api/v1/things/T1',
    rawQueryString: query,
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    pathParameters: { thing_id: 'T1' },
    headers: { accept: 'application/json', host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'GET', path: '/api/v1/things/T1', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: routeKey as string,
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    isBase64Encoded: false,
  };
}

const context = { awsRequestId: 'req-1', functionName: 'things-get', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function handlerFor(handle: () => Promise<{ statusCode: number; body?: unknown }>, permission: Permission = 'public') {
  return createHttpHandler({
    declaration: { id: 'things-get', cacheControl: 'no-store', permission },
    input: { query: z.object({ size: z.optional(z.enum(['s', 'm'])) }) },
    handle,
  });
}

async function call(handler: ReturnType<typeof handlerFor>, request = event()) {
  return (await handler(request, context)) as APIGatewayProxyStructuredResultV2;
}

beforeEach(() => {
  fake.samples.length = 0;
  fake.failing = false;
  fake.present = true;
});

describe('requestMetrics in the handler factory', () => {
  it('records the route key, status and latency of a successful request', async () => {
    const handler = handlerFor(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { statusCode: 200, body: { ok: true } };
    });
    expect((await call(handler)).statusCode).toBe(200);
    expect(fake.samples).toEqual([{ route: ROUTE_KEY, status: 200, latencyMs: expect.any(Number) }]);
    expect(fake.samples[0]!.latencyMs).toBeGreaterThanOrEqual(19);
    expect(fake.samples[0]!.latencyMs).toBeLessThan(1_000);
  });

  it('records the status of the problem+json answer: 422 from validation, 500 from a failure, 401 from authorization', async () => {
    const ok = handlerFor(async () => ({ statusCode: 200, body: {} }));
    expect((await call(ok, event(ROUTE_KEY, 'size=xl'))).statusCode).toBe(422);
    const failing = handlerFor(async () => {
      throw new Error('boom');
    });
    expect((await call(failing)).statusCode).toBe(500);
    const admin = handlerFor(async () => ({ statusCode: 200, body: {} }), 'admin');
    expect((await call(admin)).statusCode).toBe(401);
    expect(fake.samples.map((sample) => sample.status)).toEqual([422, 500, 401]);
    expect(new Set(fake.samples.map((sample) => sample.route))).toEqual(new Set([ROUTE_KEY]));
  });

  it('records each request once, also when requests of one handler overlap', async () => {
    const handler = handlerFor(async () => ({ statusCode: 204 }));
    await Promise.all([call(handler), call(handler), call(handler)]);
    expect(fake.samples.map((sample) => sample.status)).toEqual([204, 204, 204]);
  });

  it('names the function when the event carries no route key (a direct invoke)', async () => {
    const handler = handlerFor(async () => ({ statusCode: 200, body: {} }));
    await call(handler, event(''));
    expect(fake.samples[0]?.route).toBe('things-get');
  });

  it('answers as usual when recording fails', async () => {
    fake.failing = true;
    const handler = handlerFor(async () => ({ statusCode: 200, body: { ok: true } }));
    const res = await call(handler);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ ok: true });
  });

  it('records nothing and answers as usual without a store', async () => {
    fake.present = false;
    const handler = handlerFor(async () => ({ statusCode: 200, body: { ok: true } }));
    expect((await call(handler)).statusCode).toBe(200);
    expect(fake.samples).toEqual([]);
  });
});
