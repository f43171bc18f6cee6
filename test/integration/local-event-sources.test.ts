import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { type LocalEventSourcesOptions, startLocalEventSources } from '../../infra/local/local-event-sources.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { eventSourceTestFunction, type EventSourceTestState, waitFor } from '../support/event-source-test-function.js';

let dynamodb: DynamoDBClient;
let fn: LambdaDeclaration;
let state: EventSourceTestState;
let tableName: string;
let dataDir: string;

beforeAll(async () => {
  dynamodb = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  ({ fn, state } = eventSourceTestFunction('test-local-event-sources'));
  tableName = `outbox_${randomBytes(4).toString('hex')}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  dataDir = mkdtempSync(path.join(tmpdir(), 'event-sources-'));
});

afterAll(async () => {
  await dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
  dynamodb.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

const options = (): LocalEventSourcesOptions => ({
  dynamodbEndpoint: inject('dynamodbEndpoint'),
  env: { TEST_OUTBOX_TABLE_NAME: tableName },
  lambdas: [fn],
  tableDesigns: [{ id: 'test-outbox', envVar: 'TEST_OUTBOX_TABLE_NAME', partitionKey: 'pk', indexes: [] }],
  queues: [
    { name: 'local-sources-consumer', consumer: fn.id, visibilityTimeoutSeconds: 5, maxReceiveCount: 3, batchSize: 10 },
    { name: 'local-sources-poison', consumer: fn.id, visibilityTimeoutSeconds: 1, maxReceiveCount: 1, batchSize: 1 },
    { name: 'local-sources-orphan', consumer: 'nobody', visibilityTimeoutSeconds: 5, maxReceiveCount: 3, batchSize: 10 },
  ],
  streamSources: [{ table: 'test-outbox', consumer: fn.id, startingPosition: 'TRIM_HORIZON', batchSize: 10, maximumRetryAttempts: -1 }],
  sqsPort: 0,
  dataDir,
  log: (line) => void logged.push(line),
});
const logged: string[] = [];

const sqsBodies = () =>
  (state.events as SQSEvent[]).flatMap((event) => event.Records.filter((record) => record.eventSource === 'aws:sqs').map((record) => record.body));
const streamKeys = () =>
  (state.events as DynamoDBStreamEvent[]).flatMap((event) =>
    event.Records.filter((record) => record.eventSourceARN?.includes(`/${tableName}/`)).map((record) => record.dynamodb!.Keys!.pk!.S),
  );

describe('startLocalEventSources (what npm start runs)', () => {
  it('polls declared queues for registered consumers, feeds the stream consumer and resumes from persisted checkpoints', async () => {
    const first = await startLocalEventSources(options());
    try {
      expect(first.env.AWS_ENDPOINT_URL_SQS).toBe(first.sqs.endpoint);
      expect(process.env.LOCAL_SOURCES_CONSUMER_QUEUE_URL).toBe(`${first.sqs.endpoint}/000000000000/local-sources-consumer`);
      expect(first.banner.join('\n')).toMatch(/local-sources-orphan\s+→ \(no function 'nobody' registered: not polled\)/);
      // The local bus delivers matched events into queues through this callback.
      await first.sendToQueue('local-sources-consumer', JSON.stringify({ 'detail-type': 'order.created' }));
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'row-1' } } }));
      await waitFor(() => sqsBodies().length === 1 && streamKeys().length === 1, 20_000, 'both deliveries');
      expect(JSON.parse(sqsBodies()[0]!)).toEqual({ 'detail-type': 'order.created' });
      // No CloudWatch alarm locally: a message reaching a DLQ is logged.
      await first.sendToQueue('local-sources-poison', JSON.stringify({ action: 'throw' }));
      await waitFor(() => logged.some((line) => line.startsWith('DLQ local-sources-poison-dlq: 1 message(s)')), 20_000, 'the DLQ log line');
      await waitFor(() => readFileSync(path.join(dataDir, 'stream-checkpoints.json'), 'utf8').includes('"after"'), 10_000, 'a persisted checkpoint');
    } finally {
      await first.stop();
    }

    const second = await startLocalEventSources(options());
    try {
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'row-2' } } }));
      await waitFor(() => streamKeys().length === 2, 20_000, 'the new row');
      // row-1 was checkpointed by the first run: not delivered again.
      expect(streamKeys()).toEqual(['row-1', 'row-2']);
    } finally {
      await second.stop();
    }
  });
});
