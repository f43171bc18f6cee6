import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer } from 'aws-lambda';
import { type AuthorizerContext, toAuthorizerContext } from '../../shared/auth/authorizer-context.js';

const BENCH_PRINCIPAL = { sub: 'bench-admin', role: 'admin' as const, method: 'jwt' as const };

export interface ApiEventInput {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Route key path in API Gateway syntax, e.g. `/api/v1/students/{student_id}`. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
}

/**
 * An API Gateway HTTP API (payload 2.0) event as API Gateway sends it for a browser-like GET:
 * lower-cased headers, decoded query parameters, a fresh request id. Built outside the timed
 * region, since API Gateway builds it before the function runs.
 */
export function apiEvent({ method, route, pathParameters, query }: ApiEventInput): APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext> {
  const rawPath = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathParameters?.[name] ?? ''));
  const rawQueryString = new URLSearchParams(query ?? {}).toString();
  const now = new Date();
  const headers = {
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate, br',
    host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'records-bench/1.0',
    'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  return {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath,
    rawQueryString,
    headers,
    ...(query && Object.keys(query).length > 0 ? { queryStringParameters: { ...query } } : {}),
    ...(pathParameters ? { pathParameters: { ...pathParameters } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'abc123',
      domainName: headers.host,
      domainPrefix: 'abc123',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: headers['user-agent'] },
      requestId: `${randomBytes(6).toString('base64url')}=`,
      routeKey: `${method} ${route}`,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
      // What the Lambda authorizer leaves for a valid admin token (its cost is measured
      // separately by the cache bench): the functions enforce roles from this context.
      authorizer: { lambda: toAuthorizerContext({ ok: true, principal: BENCH_PRINCIPAL }) },
    },
    isBase64Encoded: false,
  };
}

/** `25/Nov/2026:19:08:31 +0000`, the format of requestContext.time. */
function clfTime(date: Date): string {
  const [, day, month, year, time] = date.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
}
