import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from '../http/create-http-handler.js';
import { correlationIdFrom, isSafeTraceId, restoreCorrelationId } from './correlation.js';

function event(method: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} /api/v1/things`,
    rawPath: '/api/v1/things',
    rawQueryString: '',
    headers: { accept: 'application/json', host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path: '/api/v1/things', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} /api/v1/things`,
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    isBase64Encoded: false,
  };
}
const context = { awsRequestId: 'req-1', functionName: 'things-list', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('correlation id', () => {
  it('keeps a safe caller id and replaces unsafe or missing ones', () => {
    expect(correlationIdFrom('order-flow-1234')).toBe('order-flow-1234');
    expect(correlationIdFrom('short', () => 'gen')).toBe('gen');
    expect(correlationIdFrom('evil\nvalue-injected', () => 'gen')).toBe('gen');
    expect(correlationIdFrom('x'.repeat(129), () => 'gen')).toBe('gen');
    expect(correlationIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(isSafeTraceId(42)).toBe(false);
  });

  it('is echoed, handed to business code and restored by consumers', async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const { logger } = await import('../powertools/logger.js');
    const handler = createHttpHandler({
      declaration: { id: 'things-list', cacheControl: 'no-store', permission: 'public' },
      handle: async (request) => {
        seen.push(request.correlationId);
        logger.warn('listing things');
        return { statusCode: 200, body: [] };
      },
    });
    const res = (await handler(event('GET', { 'x-correlation-id': 'flow-abc-123' }), context)) as APIGatewayProxyStructuredResultV2;
    const generated = (await handler(event('GET', { 'x-correlation-id': 'bad id!' }), context)) as APIGatewayProxyStructuredResultV2;
    spy.mockRestore();
    expect(res.headers?.['x-correlation-id']).toBe('flow-abc-123');
    expect(seen[0]).toBe('flow-abc-123');
    expect(generated.headers?.['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]).toBe(generated.headers?.['x-correlation-id']);
  });

  it('a CORS preflight carries request id, correlation id and the security headers', async () => {
    const handler = createHttpHandler({
      declaration: { id: 'things-list', cacheControl: 'no-store', permission: 'public' },
      handle: async () => ({ statusCode: 200, body: [] }),
    });
    const res = (await handler(
      event('OPTIONS', { origin: 'https://invalid.example', 'access-control-request-method': 'GET' }),
      context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(204);
    const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers['x-request-id']).toBe('JKJaXmPLvHcESHA=');
    expect(headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toBeDefined();
  });

  it('a consumer restores the envelope correlation id onto its logs', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    const { logger } = await import('../powertools/logger.js');
    expect(restoreCorrelationId({ correlation_id: 'flow-abc-123' })).toBe('flow-abc-123');
    logger.warn('consumed');
    spy.mockRestore();
    expect(restoreCorrelationId({ correlation_id: 7 })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
