import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../errors/app-error.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { hostMatches, hostnameOf, parseAllowedHosts, trustedHost } from './trusted-host.js';

const event = (host: string | undefined) =>
  ({
    version: '2.0',
    routeKey: 'GET /health',
    rawPath: '/health',
    rawQueryString: '',
    headers: host === undefined ? {} : { host },
    requestContext: { domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', http: { method: 'GET', path: '/health', sourceIp: '203.0.113.9' } },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const run = (allowed: string | undefined, host: string | undefined) =>
  middy<HttpEvent, HttpResponse, Error, HttpContext>()
    .use(trustedHost({ ALLOWED_HOSTS: allowed }))
    .handler(async () => ({ statusCode: 200 }))(event(host), {} as Context);

describe('trustedHost', () => {
  it('lets any host through when ALLOWED_HOSTS is unset or *', async () => {
    await expect(run(undefined, 'evil.example')).resolves.toMatchObject({ statusCode: 200 });
    await expect(run('*', 'evil.example')).resolves.toMatchObject({ statusCode: 200 });
  });

  it.each([
    ['abc123.execute-api.eu-west-1.amazonaws.com', '*.execute-api.eu-west-1.amazonaws.com'],
    ['127.0.0.1:3000', 'localhost,127.0.0.1'],
    ['LOCALHOST:8080', 'localhost'],
    ['api.records.example', 'api.records.example,*.execute-api.eu-west-1.amazonaws.com'],
  ])('accepts %s for %s', async (host, allowed) => {
    await expect(run(allowed, host)).resolves.toMatchObject({ statusCode: 200 });
  });

  it.each([
    ['evil.example', 'localhost,127.0.0.1'],
    ['execute-api.eu-west-1.amazonaws.com', '*.execute-api.eu-west-1.amazonaws.com'],
    ['abc.execute-api.eu-west-1.amazonaws.com.evil.example', '*.execute-api.eu-west-1.amazonaws.com'],
    ['', 'localhost'],
  ])('refuses %j for %s with a 400', async (host, allowed) => {
    await expect(run(allowed, host)).rejects.toBeInstanceOf(BadRequestError);
  });

  it('refuses a request without a Host header (HTTP/1.0) instead of trusting the gateway domain', async () => {
    const refused = run('*.execute-api.eu-west-1.amazonaws.com', undefined);
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toMatchObject({ code: 'request.missingHost' });
    await expect(run('*.execute-api.eu-west-1.amazonaws.com', '  ')).rejects.toMatchObject({ code: 'request.missingHost' });
  });

  it('parses hosts and ports', () => {
    expect(parseAllowedHosts(' A.example , *, ,b.example')).toEqual(['a.example', 'b.example']);
    expect(hostnameOf('[::1]:3000')).toBe('::1');
    expect(hostnameOf('Example.COM:443')).toBe('example.com');
    expect(hostMatches('*.example.com', 'example.com')).toBe(false);
  });
});
