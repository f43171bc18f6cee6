import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/powertools/logger.js';
import { DYNAMODB_BREAKER } from '../../shared/store/dynamodb/dynamodb-circuit.js';
import { type DynamoFault, type FaultyDynamo, startFaultyDynamo } from '../support/faulty-dynamodb.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

/**
 * DynamoDB's failure modes through the real handlers, clients and SDK middleware: an HTTP front
 * in front of DynamoDB Local throttles, answers 503 or never answers on demand. The SDK's retry
 * strategy, per-attempt timeout and circuit breaker all run (aws-sdk-client-mock would replace
 * `send` and skip them; it covers the error mapping in dynamodb-entity-store.test.ts).
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let tables: LocalTables;
let front: FaultyDynamo;
let getStudent: Handler;
let health: Handler;

/** Each attempt's timeout: short, so "never answers" costs 5 × 300 ms plus backoff. */
const ATTEMPT_TIMEOUT_MS = 300;

beforeAll(async () => {
  tables = await createLocalTables();
  front = await startFaultyDynamo(tables.endpoint);
  // Read when the container builds its clients, on the first request.
  Object.assign(process.env, { DYNAMODB_ENDPOINT: front.url, DYNAMODB_REQUEST_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS) });
  const { entityService } = await import('../../shared/entity/entity-container.js');
  const { students } = await import('../../shared/students/students.entity.js');
  await entityService(students).create({ student_id: 'R001', first_name: 'Retry', last_name: 'Tran', math_score: 8 });
  ({ handler: getStudent } = (await import('../../functions/students/get.js')) as unknown as { handler: Handler });
  ({ handler: health } = (await import('../../functions/system/health.js')) as unknown as { handler: Handler });
});
afterAll(async () => {
  await front?.close();
  await tables?.drop();
});
afterEach(async () => {
  vi.restoreAllMocks();
  front.reset();
  // A call that works ends the run of failures: each test's failures alone must not open the circuit.
  expect((await get('R001')).statusCode).toBe(200);
});

function event(path: string, routeKey: string, pathParameters?: Record<string, string>): APIGatewayProxyEventV2 {
  const host = 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { accept: 'application/json', host, 'user-agent': 'curl/8.5.0' },
    pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: host,
      domainPrefix: 'a1b2c3d4e5',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'curl/8.5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      // What the Lambda authorizer leaves for the function to enforce.
      authorizer: { lambda: { principal: JSON.stringify({ sub: 'user-1', role: 'viewer', method: 'jwt', jti: 'jti-1' }) } },
      routeKey,
      stage: '$default',
      time: '25/Nov/2026:19:08:31 +0000',
      timeEpoch: 1795633711000,
    },
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

/** A Lambda context whose remaining time counts down from `remainingMs`, as in AWS. */
function context(remainingMs = 15_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    functionName: 'students-get',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as unknown as Context;
}

async function get(id: string, remainingMs?: number) {
  const started = Date.now();
  const res = await getStudent(event(`/api/v1/students/${id}`, 'GET /api/v1/students/{student_id}', { student_id: id }), context(remainingMs));
  return { ...res, ms: Date.now() - started, headers: res.headers ?? {}, json: JSON.parse(res.body ?? 'null') };
}

const failing =
  (fault: DynamoFault, times = Number.POSITIVE_INFINITY) =>
  (operation: string, n: number) =>
    operation === 'GetItem' && n <= times ? fault : 'forward';

describe('DynamoDB retries within the request', () => {
  it('answers 200 after throttling, with X-Retry-Count and a log line saying how many retries it took', async () => {
    const info = vi.spyOn(logger, 'info');
    front.reset(failing('throttle', 2));
    const res = await get('R001');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json).toMatchObject({ student_id: 'R001', first_name: 'Retry' });
    expect(res.headers['x-retry-count']).toBe('2');
    expect(front.seen.GetItem).toBe(3);
    expect(info).toHaveBeenCalledWith('request answered after retries', { status: 200, retry_count: 2 });
  });

  it('sends no X-Retry-Count when nothing was retried', async () => {
    const res = await get('R001');
    expect(res.statusCode).toBe(200);
    expect(res.headers).not.toHaveProperty('x-retry-count');
  });

  it('answers 504 problem+json when every attempt times out, after four retries', async () => {
    const failed = vi.spyOn(logger, 'error');
    front.reset(failing('stall'));
    const res = await get('R001');
    expect(res.statusCode, res.body).toBe(504);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ status: 504, code: 'dependency.timeout', detail: 'DynamoDB did not answer in time.' });
    expect(res.headers['x-retry-count']).toBe('4');
    expect(front.seen.GetItem).toBe(5);
    // 5 attempts of 300 ms plus waits under 200 + 400 + 800 + 1600 ms.
    expect(res.ms).toBeGreaterThanOrEqual(5 * ATTEMPT_TIMEOUT_MS);
    expect(res.ms).toBeLessThan(5 * ATTEMPT_TIMEOUT_MS + 3_000 + 1_000);
    expect(failed).toHaveBeenCalledWith('request failed', expect.objectContaining({ status: 504, retry_count: 4 }));
  }, 20_000);

  it.each(['unavailable', 'internal'] as const)(
    'answers 503 with Retry-After when DynamoDB stays %s',
    async (fault) => {
      front.reset(failing(fault));
      const res = await get('R001');
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json).toMatchObject({ status: 503, code: 'dependency.unavailable' });
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['x-retry-count']).toBe('4');
      expect(front.seen.GetItem).toBe(5);
    },
    20_000,
  );

  it('answers 503 after persistent throttling', async () => {
    front.reset(failing('throttle'));
    const res = await get('R001');
    expect([res.statusCode, res.headers['retry-after'], res.headers['x-retry-count']]).toEqual([503, '1', '4']);
  }, 20_000);

  it('makes no retry the request has no time left for', async () => {
    front.reset(failing('throttle'));
    // 1.2 s left in the Lambda, 0.5 s kept back: a 700 ms budget, where 4 retries need up to 3 s.
    const res = await get('R001', 1_200);
    expect([503, 504]).toContain(res.statusCode);
    expect(res.ms).toBeLessThan(1_200);
    const retries = Number(res.headers['x-retry-count'] ?? 0);
    expect(retries).toBeLessThan(4);
    expect(front.seen.GetItem).toBe(retries + 1);
  });
});

describe('the DynamoDB circuit breaker', () => {
  it(`opens after ${DYNAMODB_BREAKER.failureThreshold} calls fail in a row: requests fail fast with Retry-After, /health shows it open`, async () => {
    front.reset(failing('unavailable'));
    const failures = await Promise.all(Array.from({ length: DYNAMODB_BREAKER.failureThreshold }, () => get('R001')));
    expect(failures.map((res) => res.statusCode)).toEqual(failures.map(() => 503));
    const reached = front.seen.GetItem;

    const fast = await get('R001');
    expect(fast.statusCode).toBe(503);
    expect(fast.ms).toBeLessThan(200);
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(fast.headers['retry-after'])).toBeLessThanOrEqual(DYNAMODB_BREAKER.openMs / 1_000);
    expect(front.seen.GetItem).toBe(reached); // not even tried

    // DynamoDB is back while the breaker is open: requests still fail fast, /health asks DynamoDB
    // itself (its probe passes the breaker) and reports it answering, beside the open circuit.
    front.reset();
    expect((await get('R001')).statusCode).toBe(503);
    expect(front.seen.GetItem ?? 0).toBe(0);
    const report = await health(event('/health', 'GET /health'), context());
    expect(report.statusCode).toBe(200);
    expect(JSON.parse(report.body!)).toMatchObject({ status: 'ok', checks: { dynamodb: 'ok' }, circuits: { dynamodb: 'open' } });
    expect(front.seen.GetItem).toBeGreaterThan(0);

    // After its period the breaker lets calls through again and closes.
    await new Promise((resolve) => setTimeout(resolve, DYNAMODB_BREAKER.openMs));
    expect((await get('R001')).statusCode).toBe(200);
    const healed = await health(event('/health', 'GET /health'), context());
    expect(JSON.parse(healed.body!)).toMatchObject({ status: 'ok', circuits: { dynamodb: 'closed' } });
  }, 30_000);

  it('/health reports DynamoDB failing (503, degraded) and the open circuit, its probes reaching DynamoDB', async () => {
    front.reset(failing('unavailable'));
    await Promise.all(Array.from({ length: DYNAMODB_BREAKER.failureThreshold }, () => get('R001')));
    expect((await get('R001')).statusCode).toBe(503);
    const reached = front.seen.GetItem;
    const report = await health(event('/health', 'GET /health'), context());
    expect(report.statusCode).toBe(503);
    expect(report.headers).toMatchObject({ 'retry-after': '5' });
    expect(JSON.parse(report.body!)).toMatchObject({ status: 'degraded', checks: { dynamodb: 'unavailable' }, circuits: { dynamodb: 'open' } });
    expect(front.seen.GetItem).toBeGreaterThan(reached!);
    // The failed probes kept it open; wait it out so the next test starts closed.
    front.reset();
    await new Promise((resolve) => setTimeout(resolve, DYNAMODB_BREAKER.openMs + 3_000));
  }, 30_000);
});
