import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface EventOptions {
  method?: string;
  path?: string;
  /** Route key path when it differs from the raw path (`/api/v1/students/{student_id}`). */
  route?: string;
  headers?: Record<string, string>;
}

/**
 * An API Gateway HTTP API (payload 2.0) event as AWS delivers it, for unit tests that run
 * middlewares through a real middy chain: lower-case headers, a realistic requestContext.
 */
export function apiGatewayV2Event({ method = 'GET', path = '/api/v1/students', route = path, headers = {} }: EventOptions = {}): APIGatewayProxyEventV2 {
  const host = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: `${method} ${route}`,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: '*/*', host, 'user-agent': 'curl/8.5.0', ...headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: host,
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} ${route}`,
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    isBase64Encoded: false,
  };
}
