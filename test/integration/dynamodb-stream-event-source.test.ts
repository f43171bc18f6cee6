import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  CheckpointWriteError,
  type DynamoDbStreamPoller,
  type DynamoDbStreamPollerOptions,
  startDynamoDbStreamPoller,
} from '../../infra/local/event-sources/dynamodb-stream-poller.js';
import { memoryCheckpoints, type StreamCheckpointStore } from '../../infra/local/event-sources/stream-checkpoints.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { eventSourceTestFunction, type EventSourceTestState, waitFor } from '../support/event-source-test-function.js';

const config = () => ({
  endpoint: inject('dynamodbEndpoint'),
  region: LOCAL_AWS_ENV.AWS_REGION,
  credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
});
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let state: EventSourceTestState;
let invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
const tables: string[] = [];
const pollers: DynamoDbStreamPoller[] = [];

beforeAll(() => {
  dynamodb = new DynamoDBClient(config());
  streams = new DynamoDBStreamsClient(config());
  const test = eventSourceTestFunction('test-stream-event-source');
  state = test.state;
  const invoker = new LambdaInvoker(10_000);
  invoke = (event) => invoker.invoke(test.fn, event);
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  await Promise.all(tables.map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName }))));
  dynamodb.destroy();
  streams.destroy();
});

async function tableWithStream(): Promise<{ name: string; streamArn: string }> {
  const name = `stream_${randomBytes(4).toString('hex')}`;
  const out = await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  tables.push(name);
  return { name, streamArn: out.TableDescription!.LatestStreamArn! };
}

function poll(streamArn: string, overrides: Partial<DynamoDbStreamPollerOptions> = {}): DynamoDbStreamPoller {
  const poller = startDynamoDbStreamPoller({
    client: streams,
    streamArn,
    region: 'us-east-1',
    startingPosition: 'TRIM_HORIZON',
    retryDelayMs: 100,
    pollIntervalMs: 50,
    invoke,
    onError: () => undefined,
    ...overrides,
  });
  pollers.push(poller);
  return poller;
}

function batches(streamArn: string): DynamoDBRecord[][] {
  return (state.events as DynamoDBStreamEvent[]).filter((event) => event.Records[0]?.eventSourceARN === streamArn).map((event) => event.Records);
}
const keysOf = (records: DynamoDBRecord[]) => records.map((record) => record.dynamodb!.Keys!.pk!.S);
const put = (table: string, pk: string, action = 'ok') =>
  dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, action: { S: action } } }));

describe('DynamoDB Streams event source mapping (DynamoDB Local + poller + invoker)', () => {
  it('delivers INSERT, MODIFY and REMOVE in order with the DynamoDBStreamEvent shape', async () => {
    const table = await tableWithStream();
    poll(table.streamArn);
    await dynamodb.send(
      new PutItemCommand({
        TableName: table.name,
        Item: { pk: { S: 'a' }, n: { N: '1' }, blob: { B: new Uint8Array([1, 2, 255]) }, tags: { L: [{ S: 'x' }] } },
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table.name,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '2' } },
      }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: table.name, Key: { pk: { S: 'a' } } }));
    await waitFor(() => batches(table.streamArn).flat().length === 3, 20_000, 'three stream records');
    const records = batches(table.streamArn).flat();
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const sequences = records.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
    expect([...sequences].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequences);
    const [insert, modify, remove] = records;
    expect(Object.keys(insert!)).toEqual(['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN']);
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, n: { N: '1' }, blob: { B: Buffer.from([1, 2, 255]).toString('base64') }, tags: { L: [{ S: 'x' }] } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: table.streamArn,
    });
    // Epoch seconds, as in the event Lambda builds (not a Date, not milliseconds).
    expect(Math.abs(insert!.dynamodb!.ApproximateCreationDateTime! - Date.now() / 1000)).toBeLessThan(600);
    expect(modify!.dynamodb).toMatchObject({ OldImage: { n: { N: '1' } }, NewImage: { n: { N: '2' } } });
    expect(remove!.dynamodb!.NewImage).toBeUndefined();
    expect(remove!.dynamodb!.OldImage).toMatchObject({ pk: { S: 'a' }, n: { N: '2' } });
  });

  it('delivers again what a consumer invoked but did not checkpoint before it crashed', async () => {
    const table = await tableWithStream();
    const durable = memoryCheckpoints();
    // A consumer that dies between the invocation and the checkpoint write.
    const crashing: StreamCheckpointStore = {
      read: (arn) => durable.read(arn),
      write: async (arn, shard, checkpoint) => {
        if (checkpoint.after !== undefined) throw new Error('process killed');
        await durable.write(arn, shard, checkpoint);
      },
    };
    const first = poll(table.streamArn, { checkpoints: crashing });
    await put(table.name, 'k1');
    await put(table.name, 'k2');
    await expect(first.done).rejects.toBeInstanceOf(CheckpointWriteError);
    const seenBeforeCrash = batches(table.streamArn).flat();
    expect(seenBeforeCrash.length).toBeGreaterThan(0);

    poll(table.streamArn, { checkpoints: durable });
    const sinceRestart = () => batches(table.streamArn).flat().slice(seenBeforeCrash.length);
    await waitFor(() => keysOf(sinceRestart()).includes('k2'), 20_000, 'delivery after the restart');
    const afterRestart = sinceRestart();
    // Everything the crashed consumer saw comes again (same eventIDs), then the rest.
    expect(afterRestart.slice(0, seenBeforeCrash.length).map((r) => r.eventID)).toEqual(seenBeforeCrash.map((r) => r.eventID));
    expect(keysOf(afterRestart)).toEqual(['k1', 'k2']);

    // Checkpointed now: a third consumer on the same store starts after them.
    await waitFor(async () => Object.values((await durable.read(table.streamArn)) ?? {}).some((cp) => cp.after !== undefined), 10_000, 'a checkpoint');
    const count = batches(table.streamArn).flat().length;
    await pollers.at(-1)!.stop();
    poll(table.streamArn, { checkpoints: durable });
    await put(table.name, 'k3');
    await waitFor(() => batches(table.streamArn).flat().length === count + 1, 20_000, 'k3 only');
    expect(keysOf(batches(table.streamArn).flat().slice(count))).toEqual(['k3']);
  });

  it('retries from the lowest reported failure, checkpointing the records before it', async () => {
    const table = await tableWithStream();
    for (const [pk, action] of [
      ['r1', 'ok'],
      ['r2', 'fail-once'],
      ['r3', 'ok'],
      ['r4', 'fail-once'],
    ])
      await put(table.name, pk!, action);
    const checkpoints = memoryCheckpoints();
    poll(table.streamArn, { checkpoints });
    await waitFor(() => batches(table.streamArn).length >= 2, 20_000, 'two invocations');
    const r4 = batches(table.streamArn)[0]![3]!.dynamodb!.SequenceNumber;
    await waitFor(async () => Object.values((await checkpoints.read(table.streamArn)) ?? {}).some((cp) => cp.after === r4), 10_000, 'the checkpoint at r4');
    // r2 and r4 failed once: the retry starts at r2 (the lowest), r1 is not delivered again.
    expect(batches(table.streamArn).map(keysOf)).toEqual([
      ['r1', 'r2', 'r3', 'r4'],
      ['r2', 'r3', 'r4'],
    ]);
  });

  it('bisects a batch whose invocation threw, and skips a poison record after maximumRetryAttempts', async () => {
    const bisected = await tableWithStream();
    for (const [pk, action] of [
      ['b1', 'ok'],
      ['b2', 'ok'],
      ['b3', 'throw-once'],
      ['b4', 'ok'],
    ])
      await put(bisected.name, pk!, action);
    poll(bisected.streamArn, { bisectBatchOnFunctionError: true });
    await waitFor(() => batches(bisected.streamArn).length >= 3, 20_000, 'three invocations');
    expect(batches(bisected.streamArn).map(keysOf)).toEqual([
      ['b1', 'b2', 'b3', 'b4'],
      ['b1', 'b2'],
      ['b3', 'b4'],
    ]);

    const poisoned = await tableWithStream();
    for (const [pk, action] of [
      ['p1', 'throw'],
      ['p2', 'ok'],
    ])
      await put(poisoned.name, pk!, action);
    poll(poisoned.streamArn, { batchSize: 1, maximumRetryAttempts: 2 });
    await waitFor(() => keysOf(batches(poisoned.streamArn).flat()).includes('p2'), 20_000, 'the record after the poison');
    expect(batches(poisoned.streamArn).map(keysOf)).toEqual([['p1'], ['p1'], ['p1'], ['p2']]);
  });

  it('starts at LATEST without delivering what was written before', async () => {
    const table = await tableWithStream();
    await put(table.name, 'before');
    const poller = poll(table.streamArn, { startingPosition: 'LATEST' });
    await poller.ready;
    await put(table.name, 'after');
    await waitFor(() => batches(table.streamArn).length >= 1, 20_000, 'one invocation');
    expect(
      batches(table.streamArn)
        .flat()
        .map((record) => record.dynamodb!.Keys!.pk!.S),
    ).toEqual(['after']);
  });
});
