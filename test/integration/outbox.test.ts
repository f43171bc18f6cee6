import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { createTables, dropTables } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { startDynamoDbStreamPoller } from '../../infra/local/event-sources/dynamodb-stream-poller.js';
import { type LocalEventBus, startLocalEventBus } from '../../infra/local/eventbridge/local-event-bus.js';
import { sqsTarget } from '../../infra/local/eventbridge/sqs-target.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { type LocalEventSources, startLocalEventSources } from '../../infra/local/local-event-sources.js';
import type { DomainEvent } from '../../events/catalog.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { outboxPut } from '../../shared/events/outbox-record.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import { queues, queueUrlEnvVar } from '../../shared/events/queues.js';
import { streamSources } from '../../shared/events/stream-sources.js';
import { outboxPublisher } from '../../shared/registry.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/event-source-test-function.js';

/**
 * The transactional outbox end to end on the local stack, as `npm start` composes it: a row
 * committed to the outbox table (DynamoDB Local) → its stream → the publisher *bundle* (real
 * DynamoDB Streams records) → PutEvents on the local EventBridge (through a TCP proxy, so the
 * bus can vanish) → the declared rules → the consumers' SQS queues. The bundle gets its own id
 * (same entry, same mapping settings) so parallel test files never rebuild the folder it loads.
 */
const publisher: LambdaDeclaration = { ...outboxPublisher, id: `test-${outboxPublisher.id}` };
const mappings = streamSources.filter((source) => source.table === outboxTable.id).map((source) => ({ ...source, consumer: publisher.id }));

const credentials = { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY };
const prefix = `outbox${randomBytes(3).toString('hex')}_`;
let dynamodb: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let tableName: string;
let bus: LocalEventBus;
let proxy: TcpProxy;
let sources: LocalEventSources;
const logged: string[] = [];

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  dynamodb = new DynamoDBClient({ endpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials });
  documents = DynamoDBDocumentClient.from(dynamodb);
  const env = await createTables(dynamodb, [outboxTable], prefix);
  tableName = env[outboxTable.envVar]!;
  bundleFunctions([publisher]);
  bus = await startLocalEventBus({ port: 0 });
  proxy = await startTcpProxy({ host: '127.0.0.1', port: bus.port });
  // What start.ts gives the bundles: the local AWS env and the bus endpoint (here: the proxy).
  Object.assign(process.env, LOCAL_AWS_ENV, { AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${proxy.port}`, EVENT_BUS_NAME: bus.busName });
  sources = await startLocalEventSources({
    dynamodbEndpoint: endpoint,
    env,
    lambdas: [publisher],
    tableDesigns: [outboxTable],
    queues,
    streamSources: mappings,
    sqsPort: 0,
    log: (line) => void logged.push(line),
  });
  bus.setDeliver(sqsTarget(sources.sendToQueue));
});

afterAll(async () => {
  await sources?.stop();
  await proxy?.close();
  await bus?.close();
  await dropTables(dynamodb, prefix);
  dynamodb.destroy();
});

/** Every message now in (and arriving within `quietMs` at) queue `name`, deleted as received. */
async function drain(name: string, quietMs = 1_500): Promise<Record<string, unknown>[]> {
  const client: SQSClient = sources.sqs.client;
  const url = sources.env[queueUrlEnvVar({ name })]!;
  const bodies: Record<string, unknown>[] = [];
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    quietSince = Date.now();
    bodies.push(...Messages.map((message) => JSON.parse(message.Body!) as Record<string, unknown>));
    await client.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }),
    );
  }
  return bodies;
}

/** Waits until the event with `id` reached queue `name`; returns everything drained meanwhile. */
async function until(name: string, id: string, timeoutMs = 20_000): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  await waitFor(
    async () => {
      seen.push(...(await drain(name, 200)));
      return seen.some((event) => (event.detail as DomainEvent).id === id);
    },
    timeoutMs,
    `event ${id} in ${name}`,
  );
  return seen;
}

const detailIds = (events: Record<string, unknown>[]) => events.map((event) => (event.detail as DomainEvent).id);

describe('transactional outbox on the local stack', () => {
  it('polls the outbox stream with the publisher, as the banner of npm start says', () => {
    expect(sources.banner.join('\n')).toMatch(new RegExp(`stream outbox\\s+→ ${publisher.id}`));
  });

  it('delivers a committed outbox row to every matching rule’s queue exactly once, the envelope as detail', async () => {
    const event = sampleEvent('order.created');
    // The state change itself would be a second item of this transaction (the order); the outbox Put is what matters here.
    await documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(event, tableName)] }));

    const reserve = await until('inventory-reserve', event.id);
    const later = await drain('inventory-reserve');
    expect(detailIds([...reserve, ...later])).toEqual([event.id]);
    expect(reserve[0]).toMatchObject({ version: '0', source: 'records.orders', 'detail-type': 'order.created', time: '2026-12-02T14:00:00Z', detail: event });

    const projector = [...(await until('order-status-projector', event.id)), ...(await drain('order-status-projector'))];
    expect(detailIds(projector)).toEqual([event.id]);
    // No other rule selects order.created.
    expect(await drain('payment-process', 300)).toEqual([]);
  });

  it('publishes nothing for a transaction that did not commit, and nothing twice for a repeated event id', async () => {
    const first = sampleEvent('inventory.reserved');
    const rolledBack = sampleEvent('inventory.reserved');
    const marker = sampleEvent('inventory.reserved');
    await documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(first, tableName)] }));
    // A state change whose condition fails takes its outbox row down with it…
    const cancelled = documents.send(
      new TransactWriteCommand({
        TransactItems: [
          outboxPut(rolledBack, tableName),
          { ConditionCheck: { TableName: tableName, Key: { pk: 'no-such-row' }, ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    await expect(cancelled).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    // …and writing an event id again (a retried request) cancels instead of publishing twice.
    await expect(documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(first, tableName)] }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    await documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(marker, tableName)] }));

    const received = [...(await until('payment-process', marker.id)), ...(await drain('payment-process'))];
    expect(detailIds(received)).toEqual([first.id, marker.id]);
  });

  it('ignores the REMOVE a TTL expiry (or any delete) writes to the stream', async () => {
    const gone = sampleEvent('inventory.released');
    const marker = sampleEvent('inventory.released');
    await documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(gone, tableName)] }));
    await until('order-status-projector', gone.id);
    await documents.send(new TransactWriteCommand({ TransactItems: [{ Delete: { TableName: tableName, Key: { pk: gone.id } } }] }));
    await documents.send(new PutCommand({ TableName: tableName, Item: outboxPut(marker, tableName).Put.Item }));
    const received = [...(await until('order-status-projector', marker.id)), ...(await drain('order-status-projector'))];
    expect(detailIds(received)).toEqual([marker.id]);
  });
});

describe('outbox publisher failure path', () => {
  it('reports the rows it could not publish while the bus was down; the mapping retries them, in order, until they arrive once', async () => {
    // A mapping of its own over the same stream, recording what the publisher answered.
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const streams = new DynamoDBStreamsClient({ endpoint: inject('dynamodbEndpoint'), region: LOCAL_AWS_ENV.AWS_REGION, credentials });
    const invoker = new LambdaInvoker();
    const answers: { sequenceNumbers: string[]; response: DynamoDBBatchResponse }[] = [];
    const mapping = mappings[0]!;
    const poller = startDynamoDbStreamPoller({
      client: streams,
      streamArn: Table!.LatestStreamArn!,
      region: LOCAL_AWS_ENV.AWS_REGION,
      startingPosition: 'LATEST',
      batchSize: mapping.batchSize,
      maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
      bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
      maximumRetryAttempts: mapping.maximumRetryAttempts,
      retryDelayMs: 500,
      invoke: async (event: DynamoDBStreamEvent) => {
        const response = (await invoker.invoke(publisher, event)) as DynamoDBBatchResponse;
        answers.push({ sequenceNumbers: event.Records.map((record) => record.dynamodb!.SequenceNumber!), response });
        return response;
      },
    });
    try {
      await poller.ready;
      await proxy.cut();
      const down = [sampleEvent('order.cancelled'), sampleEvent('order.cancelled')];
      for (const event of down) await documents.send(new TransactWriteCommand({ TransactItems: [outboxPut(event, tableName)] }));
      await waitFor(() => answers.some((answer) => answer.response.batchItemFailures.length > 0), 30_000, 'a reported failure');
      const failed = answers.find((answer) => answer.response.batchItemFailures.length > 0)!;
      // Every record of the batch failed: the lowest is where the mapping resumes.
      expect(failed.response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(failed.sequenceNumbers);
      expect(await drain('order-status-projector', 300)).toEqual([]);

      await proxy.restore();
      // Both mappings (npm start's and this one) publish the rows once the bus is back: each
      // mapping delivers each row exactly once, in commit order — two mappings, two copies.
      const received = [...(await until('order-status-projector', down[1]!.id, 30_000)), ...(await drain('order-status-projector'))];
      const ids = detailIds(received);
      for (const event of down) expect(ids.filter((id) => id === event.id)).toHaveLength(2);
      expect(ids.indexOf(down[0]!.id)).toBeLessThan(ids.indexOf(down[1]!.id));
      const last = answers.at(-1)!;
      expect(last.response.batchItemFailures).toEqual([]);
      expect(last.sequenceNumbers[0]).toBe(failed.sequenceNumbers[0]);
    } finally {
      await poller.stop();
      streams.destroy();
    }
  });
});
