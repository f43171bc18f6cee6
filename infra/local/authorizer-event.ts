import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

/**
 * The REQUEST authorizer event (payload 2.0) API Gateway sends for a route, built from the
 * integration event of the same request: same headers, query, path parameters and context.
 * No identity sources are configured, so `identitySource` is empty.
 */
export function toAuthorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  const { requestContext } = event;
  const [, path = ''] = event.routeKey.split(' ');
  const method = requestContext.http.method;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:${requestContext.accountId}:${requestContext.apiId}/${requestContext.stage}/${method}${path}`,
    identitySource: [],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    ...(event.cookies ? { cookies: event.cookies } : {}),
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    requestContext: requestContext as unknown as APIGatewayRequestAuthorizerEventV2['requestContext'],
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
  } as APIGatewayRequestAuthorizerEventV2;
}

export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, unknown>;
}

/** Whether a value is what a simple-response authorizer must return; API Gateway answers 500 otherwise. */
export function isSimpleAuthorizerResult(value: unknown): value is SimpleAuthorizerResult {
  if (value === null || typeof value !== 'object') return false;
  const result = value as Record<string, unknown>;
  if (typeof result.isAuthorized !== 'boolean') return false;
  if (result.context === undefined) return true;
  return (
    result.context !== null &&
    typeof result.context === 'object' &&
    Object.values(result.context).every((entry) => ['string', 'number', 'boolean'].includes(typeof entry))
  );
}
