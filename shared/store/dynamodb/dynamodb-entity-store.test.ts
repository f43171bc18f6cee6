import { DynamoDBServiceException, ProvisionedThroughputExceededException, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrentModificationError, EntityAlreadyExistsError } from '../../entity/entity.errors.js';
import { DependencyTimeoutError, DependencyUnavailableError } from '../../errors/app-error.js';
import { students } from '../../students/students.entity.js';
import type { StoredItem } from '../entity-store.js';
import { createDocumentClient } from './document-client.js';
import { DynamoDbEntityStore } from './dynamodb-entity-store.js';
import { counterKeyFor } from './table-design.js';

/**
 * Error branches DynamoDB Local cannot produce (throttling, outages, transaction
 * conflicts); conditions and counters are tested against DynamoDB Local in test/integration.
 */
const ddb = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbEntityStore(students, createDocumentClient({ AWS_REGION: 'us-east-1' }), 'students-unit');

beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'R1', attempts: 3, totalRetryDelay: 300 });
const item = (fields: Record<string, unknown> = {}): StoredItem =>
  ({
    student_id: 'S001',
    first_name: 'An',
    last_name: 'Nguyen',
    email: null,
    hometown: 'Hanoi',
    math_score: 8,
    literature_score: null,
    english_score: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...fields,
  }) as StoredItem;
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: metadata(400),
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const unavailable: [string, () => Error][] = [
  ['ThrottlingException', () => new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: metadata(400) })],
  [
    'ProvisionedThroughputExceededException',
    () => new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput was exceeded.', $metadata: metadata(400) }),
  ],
  ['a refused connection (ECONNREFUSED)', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' })],
  ['a reset socket wrapped by the SDK', () => new Error('socket hang up', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })],
  [
    'an SDK connect timeout (nothing listened)',
    () =>
      Object.assign(
        new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.'),
        { name: 'TimeoutError' },
      ),
  ],
  // What the SDK makes of a connection the endpoint dropped: renamed TimeoutError, code kept.
  ['a dropped connection (TimeoutError, ECONNRESET)', () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' })],
  [
    'a refused connection (TimeoutError, ECONNREFUSED)',
    () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'TimeoutError', code: 'ECONNREFUSED' }),
  ],
  [
    'a 503 ServiceUnavailable',
    () => new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: metadata(503), message: 'Unavailable' }),
  ],
  [
    'an HTTP 500 from DynamoDB',
    () => new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: metadata(500), message: 'Internal' }),
  ],
  ['an HTTP 503 of any name', () => new DynamoDBServiceException({ name: 'SomethingNew', $fault: 'server', $metadata: metadata(503), message: 'Down' })],
];

/** What is left when every attempt timed out: DynamoDB accepted the requests and did not answer. */
const timedOut: [string, () => Error][] = [
  [
    'an SDK request timeout',
    () =>
      Object.assign(new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 5000 ms requestTimeout.'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
  ],
  ['a socket idle timeout', () => Object.assign(new Error('the request socket timed out after 5000 ms of inactivity'), { name: 'TimeoutError' })],
  ['the request budget running out (abort signal)', () => Object.assign(new Error('Request aborted'), { name: 'AbortError' })],
  ['an HTTP 504 from DynamoDB', () => new DynamoDBServiceException({ name: 'GatewayTimeout', $fault: 'server', $metadata: metadata(504), message: 'Timeout' })],
];

describe('DynamoDbEntityStore error translation', () => {
  it.each(timedOut)('turns %s on GetCommand and TransactWriteCommand into DependencyTimeoutError (504)', async (_label, make) => {
    const cause = make();
    ddb.on(GetCommand).rejects(cause);
    ddb.on(TransactWriteCommand).rejects(cause);
    await expect(store.get('S001')).rejects.toMatchObject({ kind: 'dependencyTimeout', dependency: 'DynamoDB', cause });
    await expect(store.create(item())).rejects.toBeInstanceOf(DependencyTimeoutError);
  });

  it.each(unavailable)('turns %s on GetCommand into DependencyUnavailableError', async (_label, make) => {
    const cause = make();
    ddb.on(GetCommand).rejects(cause);
    const attempt = store.get('S001');
    await expect(attempt).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(attempt).rejects.toMatchObject({ dependency: 'DynamoDB', retryAfterSeconds: 1, cause });
  });

  it.each(unavailable)('turns %s on QueryCommand (list, search count) into DependencyUnavailableError', async (_label, make) => {
    ddb.on(QueryCommand).rejects(make());
    await expect(store.list({ sort: 'student_id', descending: false, pageSize: 10, skip: 0 })).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(store.count({ search: 'an' })).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it.each(unavailable)('turns %s on TransactWriteCommand into DependencyUnavailableError', async (_label, make) => {
    ddb.on(TransactWriteCommand).rejects(make());
    await expect(store.create(item())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(store.replace(item({ version: 2 }), item())).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(store.remove(item())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('makes ping fail with DependencyUnavailableError while throttled', async () => {
    ddb.on(GetCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: metadata(400) }));
    await expect(store.ping()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it.each([
    ['a plain Error', () => new Error('boom')],
    [
      'a ValidationException (a request we built wrong)',
      () => new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: metadata(400), message: 'bad key' }),
    ],
    [
      'a ResourceNotFoundException',
      () => new DynamoDBServiceException({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: metadata(400), message: 'no table' }),
    ],
    ['an error with an unknown network code', () => Object.assign(new Error('weird'), { code: 'EWEIRD' })],
  ])('rethrows %s unchanged', async (_label, make) => {
    const error = make();
    ddb.on(GetCommand).rejects(error);
    ddb.on(QueryCommand).rejects(error);
    ddb.on(TransactWriteCommand).rejects(error);
    await expect(store.get('S001')).rejects.toBe(error);
    await expect(store.list({ sort: 'first_name', descending: true, pageSize: 5, skip: 0 })).rejects.toBe(error);
    await expect(store.create(item())).rejects.toBe(error);
    await expect(store.replace(item({ version: 2 }), item())).rejects.toBe(error);
  });
});

describe('DynamoDbEntityStore transaction cancellations', () => {
  it('turns ConditionalCheckFailed on the put of a create into EntityAlreadyExistsError', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    const attempt = store.create(item());
    await expect(attempt).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    await expect(attempt).rejects.toMatchObject({ code: 'student.alreadyExists', context: { id: 'S001' } });
  });

  it('turns ConditionalCheckFailed on the write of a replace or remove into ConcurrentModificationError', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    await expect(store.replace(item({ version: 2, hometown: 'Hue' }), item())).rejects.toBeInstanceOf(ConcurrentModificationError);
    await expect(store.remove(item())).rejects.toBeInstanceOf(ConcurrentModificationError);
  });

  it('sends the create as one transaction: conditional put plus one shard of the total and hometown counters', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.create(item({ hometown: ' HaNoi ' }));
    const [call] = ddb.commandCalls(TransactWriteCommand);
    const writes = call!.args[0].input.TransactItems!;
    expect(writes[0]!.Put).toMatchObject({ TableName: 'students-unit', ConditionExpression: 'attribute_not_exists(#pk)' });
    expect(writes.slice(1).map((write) => [write.Update?.Key, write.Update?.ExpressionAttributeValues])).toEqual([
      [{ pk: counterKeyFor(store.design, 'S001') }, { ':d': 1 }],
      [{ pk: counterKeyFor(store.design, 'S001', { name: 'hometown', value: 'hanoi' }) }, { ':d': 1 }],
    ]);
  });

  it('moves only the hometown counters on a replace that changes hometown', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    await store.replace(item({ version: 2, hometown: 'Hue' }), item({ hometown: 'Hanoi' }));
    const writes = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(writes[0]!.Put).toMatchObject({ ConditionExpression: '#v = :v', ExpressionAttributeValues: { ':v': 1 } });
    expect(writes.slice(1).map((write) => [write.Update?.Key, write.Update?.ExpressionAttributeValues])).toEqual([
      [{ pk: counterKeyFor(store.design, 'S001', { name: 'hometown', value: 'hanoi' }) }, { ':d': -1 }],
      [{ pk: counterKeyFor(store.design, 'S001', { name: 'hometown', value: 'hue' }) }, { ':d': 1 }],
    ]);
  });

  // Every create and delete updates the shared '#count' item, so in AWS two concurrent
  // writers regularly cancel each other with TransactionConflict. That is transient: it
  // must surface as a retryable condition, not as an unexplained 500.
  it('treats a TransactionConflict on the counter of a create as retryable (503), not as an unknown error', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None'));
    await expect(store.create(item())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it('treats a TransactionConflict on a replace or remove as a lost race the service can retry', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None', 'None'));
    const writes = [() => store.replace(item({ version: 2, hometown: 'Hue' }), item()), () => store.remove(item())];
    for (const write of writes) {
      const error = await write().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error instanceof ConcurrentModificationError || error instanceof DependencyUnavailableError, String(error)).toBe(true);
    }
  });
});
