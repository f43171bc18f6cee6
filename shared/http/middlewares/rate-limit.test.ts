import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { rateLimiterFromEnv } from '../../rate-limit/rate-limit-container.js';
import { createHttpHandler } from '../create-http-handler.js';

/**
 * Without REDIS_URL (every unit test) the limiter does not exist and the chain behaves as
 * before. The limits themselves are tested against the real Redis in
 * test/integration/rate-limit.test.ts and test/e2e/rate-limit.test.ts.
 */
const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const event = {
  version: '2.0',
  routeKey: 'GET /health',
  rawPath: '/health',
  rawQueryString: '',
  headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123',
    domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123',
    http: { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
    requestId: 'Kx9pQhXxFiAEJdQ=',
    routeKey: 'GET /health',
    stage: '$default',
    time: '01/Jan/2025:12:00:00 +0000',
    timeEpoch: 1735732800000,
  },
  isBase64Encoded: false,
} as APIGatewayProxyEventV2;

describe('rateLimit without REDIS_URL', () => {
  it('limits nothing and adds no header', async () => {
    const handler = createHttpHandler({
      declaration: { id: 'test-public', cacheControl: 'no-store', permission: 'public' },
      handle: async () => ({ statusCode: 200, body: { ok: true } }),
    });
    for (let i = 0; i < 30; i++) {
      const res = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.headers ?? {}).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    }
  });

  it('builds no limiter without REDIS_URL, whatever the limits say', () => {
    expect(rateLimiterFromEnv({})).toBeUndefined();
    expect(rateLimiterFromEnv({ REDIS_URL: '', RATE_LIMIT_READ: 'nonsense' })).toBeUndefined();
  });

  it('refuses invalid limits once a Redis is configured', () => {
    expect(() => rateLimiterFromEnv({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_READ: 'nonsense' })).toThrow(/RATE_LIMIT_READ/);
  });
});
