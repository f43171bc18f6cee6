import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as docsHandler } from '../../functions/system/docs.js';
import { handler as openapiHandler } from '../../functions/system/openapi.js';

// The function entries live in functions/system/; their tests sit here with the code they serve.

function apiEvent(method: string, rawPath: string): APIGatewayProxyEventV2 {
  const routeKey = `${method} ${rawPath}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: {
      accept: 'text/html,application/json',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'vitest',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'Kx9pQhXxFiAEJdQ=',
      routeKey,
      stage: '$default',
      time: '01/Jan/2025:12:00:00 +0000',
      timeEpoch: 1735732800000,
    },
    isBase64Encoded: false,
  };
}

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: '6f1c4a9e-2b3d-4e5f-8a7b-9c0d1e2f3a4b',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function header(response: APIGatewayProxyStructuredResultV2, name: string): string | undefined {
  const found = Object.entries(response.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : String(found[1]);
}

describe('GET /openapi.json', () => {
  it('answers 200 with the OpenAPI 3.1 document as cacheable JSON', async () => {
    const event = apiEvent('GET', '/openapi.json');
    const response = await openapiHandler(event, lambdaContext('system-openapi'));
    expect(response.statusCode).toBe(200);
    expect(header(response, 'content-type')).toMatch(/^application\/json/);
    expect(header(response, 'cache-control')).toBe('public, max-age=300');
    expect(header(response, 'x-request-id')).toBe(event.requestContext.requestId);
    const body = JSON.parse(String(response.body)) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(body.paths).toHaveProperty(['/api/v1/students/{student_id}']);
  });
});

describe('GET /docs', () => {
  it('answers 200 with the HTML page and a CSP that allows only its own inline style', async () => {
    const response = await docsHandler(apiEvent('GET', '/docs'), lambdaContext('system-docs'));
    expect(response.statusCode).toBe(200);
    expect(header(response, 'content-type')).toBe('text/html; charset=utf-8');
    expect(header(response, 'cache-control')).toBe('public, max-age=300');
    const html = String(response.body);
    expect(html).toMatch(/^<!doctype html>/);

    const csp = header(response, 'content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'", "img-src 'self' data:"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src|unsafe-eval|report-to/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
  });
});
