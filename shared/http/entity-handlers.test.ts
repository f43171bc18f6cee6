import { ThrottlingException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AuthorizerContext } from '../auth/authorizer-context.js';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/**
 * The real `functions/students/get.ts` handler through the whole middy chain, with the
 * DocumentClient mocked for what DynamoDB Local cannot do: throttle, or fail unexpectedly.
 * mockClient patches the class prototype, so the client the container builds later is mocked.
 */
const ddb = mockClient(DynamoDBDocumentClient);
type Event = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
type Handler = (event: Event, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

beforeAll(async () => {
  Object.assign(process.env, {
    STUDENTS_TABLE_NAME: 'students-handler-unit',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
    CURSOR_SECRET: 'u'.repeat(40),
  });
  // Imported after the environment is set: the module reads it on first use.
  ({ handler } = (await import('../../functions/students/get.js')) as unknown as { handler: Handler });
});
beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

function getEvent(id: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext> {
  const path = `/api/v1/students/${id}`;
  return {
    version: '2.0',
    routeKey: 'GET /api/v1/students/{student_id}',
    rawPath: path,
    rawQueryString: '',
    headers: {
      accept: 'application/json',
      'accept-encoding': 'gzip, deflate, br',
      host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    pathParameters: { student_id: id },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      // What the Lambda authorizer (simple response) leaves for the function to enforce.
      authorizer: { lambda: { principal: JSON.stringify({ sub: 'user-1', role: 'viewer', method: 'jwt', jti: 'jti-1' }) } },
      routeKey: 'GET /api/v1/students/{student_id}',
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    isBase64Encoded: false,
  };
}

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'students-get',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:students-get',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/students-get',
  logStreamName: '2026/11/25/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const invoke = async (event: APIGatewayProxyEventV2) => {
  const res = await handler(event, context());
  return { ...res, json: JSON.parse(res.body ?? 'null') };
};

describe('GET /api/v1/students/{student_id} handler', () => {
  it('answers 200 with the derived view and ETag, reading the record by its upper-cased key', async () => {
    ddb.on(GetCommand).resolves({
      Item: {
        pk: 'S001',
        _all: 'all',
        _search: 's001\u0001an\u0001nguyen',
        _s_student_id: 'S001',
        _f_hometown: 'hanoi',
        student_id: 'S001',
        first_name: 'An',
        last_name: 'Nguyen',
        hometown: 'Hanoi',
        math_score: 8.5,
        literature_score: 7.5,
        english_score: 9,
        created_at: '2026-01-01T00:00:00.000Z',
        updated_at: '2026-01-02T00:00:00.000Z',
        version: 3,
      },
    });
    const res = await invoke(getEvent('s001'));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ etag: '"3"', 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'JKJaXmPLvHcESHA=' });
    expect(res.json).toEqual({
      student_id: 'S001',
      first_name: 'An',
      last_name: 'Nguyen',
      email: null,
      hometown: 'Hanoi',
      math_score: 8.5,
      literature_score: 7.5,
      english_score: 9,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-02T00:00:00.000Z',
      version: 3,
      full_name: 'An Nguyen',
      average_score: 8.33,
      grade: 'Excellent',
    });
    expect(ddb.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual([{ TableName: 'students-handler-unit', Key: { pk: 'S001' } }]);
  });

  it('answers 404 problem+json when the record is missing', async () => {
    ddb.on(GetCommand).resolves({});
    const res = await invoke(getEvent('S404'));
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json).toMatchObject({ status: 404, code: 'student.notFound', request_id: 'JKJaXmPLvHcESHA=' });
  });

  it('answers 422 for a malformed id without calling DynamoDB', async () => {
    const res = await invoke(getEvent('a b'));
    expect(res.statusCode).toBe(422);
    expect(res.json.errors).toEqual([{ loc: ['path', 'student_id'], msg: expect.any(String), type: 'invalid_format' }]);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers 503 problem+json with Retry-After while DynamoDB throttles', async () => {
    ddb.on(GetCommand).rejects(new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } }));
    const res = await invoke(getEvent('S001', { 'x-request-id': 'trace-0001-abcd' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      'retry-after': expect.stringMatching(/^[1-9]\d*$/),
      'x-request-id': 'trace-0001-abcd',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(res.json).toMatchObject({ status: 503, title: 'Service Unavailable', request_id: 'trace-0001-abcd', detail: expect.any(String) });
    expect(res.body).not.toMatch(/Throttling|Rate of requests|\bat \S+ \(/);
  });

  it('answers a generic 500 with only type, title, status, request_id and timestamp on an unexpected error', async () => {
    ddb.on(GetCommand).rejects(new Error('boom'));
    const res = await invoke(getEvent('S001'));
    expect(res.statusCode).toBe(500);
    expect(res.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8', 'x-request-id': 'JKJaXmPLvHcESHA=' });
    expect(Object.keys(res.json).sort()).toEqual(['request_id', 'status', 'timestamp', 'title', 'type']);
    expect(res.json).toMatchObject({ status: 500, title: 'Internal Server Error', request_id: 'JKJaXmPLvHcESHA=' });
    expect(new Date(res.json.timestamp).toISOString()).toBe(res.json.timestamp);
    expect(res.body).not.toContain('boom');
    expect(res.body).not.toMatch(/Error:|\bat \S+ \(|\.[cm]?[jt]s:\d+/);
  });
});
