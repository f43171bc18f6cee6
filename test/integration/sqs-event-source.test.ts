import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsPoller, type SqsPoller, type SqsPollerOptions } from '../../infra/local/event-sources/sqs-poller.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { createQueues, type DeclaredQueue, type LocalSqs, startLocalSqs } from '../../infra/local/local-sqs.js';
import type { QueueDeclaration } from '../../shared/events/queues.js';
import { eventSourceTestFunction, type EventSourceTestState, waitFor } from '../support/event-source-test-function.js';

const exec = promisify(execFile);
let sqs: LocalSqs;
let state: EventSourceTestState;
let invoke: (event: SQSEvent) => Promise<unknown>;
const pollers: SqsPoller[] = [];

beforeAll(async () => {
  sqs = await startLocalSqs();
  const test = eventSourceTestFunction('test-sqs-event-source');
  state = test.state;
  const invoker = new LambdaInvoker(10_000);
  invoke = (event) => invoker.invoke(test.fn, event);
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  await sqs?.stop();
});

/** A fresh queue + DLQ (unique names) and a poller on it invoking the test bundle. */
async function queueWithPoller(queue: Partial<QueueDeclaration>, poller: Partial<SqsPollerOptions> = {}): Promise<DeclaredQueue> {
  const [declared] = await createQueues(sqs.client, [
    { name: `q-${randomBytes(4).toString('hex')}`, visibilityTimeoutSeconds: 1, maxReceiveCount: 3, batchSize: 10, ...queue },
  ]);
  pollers.push(
    startSqsPoller({
      client: sqs.client,
      queueUrl: declared!.url,
      queueArn: declared!.arn,
      region: 'us-east-1',
      batchSize: declared!.declaration.batchSize,
      maximumBatchingWindowSeconds: declared!.declaration.maximumBatchingWindowSeconds,
      waitTimeSeconds: 1,
      invoke,
      onError: (error, detail) => (process.env.DEBUG_POLLER ? console.log(detail, error) : undefined),
      ...poller,
    }),
  );
  return declared!;
}

/** Every record the bundle received from this queue, in delivery order. */
function deliveries(queue: DeclaredQueue): SQSRecord[] {
  return batches(queue).flat();
}
function batches(queue: DeclaredQueue): SQSRecord[][] {
  return (state.events as SQSEvent[])
    .map((event) => event.Records.filter((record) => record.eventSourceARN === queue.arn))
    .filter((records) => records.length > 0);
}

describe('local SQS through the real SQSClient', () => {
  it('answers a long poll as soon as a message arrives, and ChangeMessageVisibility 0 releases it', async () => {
    const [queue] = await createQueues(sqs.client, [
      { name: `api-${randomBytes(4).toString('hex')}`, visibilityTimeoutSeconds: 30, maxReceiveCount: 3, batchSize: 1 },
    ]);
    const started = Date.now();
    const polling = sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue!.url, WaitTimeSeconds: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    setTimeout(() => void sqs.sendToQueue(queue!.declaration.name, 'late'), 300);
    const first = await polling;
    expect(first.Messages?.map((message) => message.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(9_000);
    // In flight for 30 s: invisible…
    expect((await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queue!.url }))).Messages).toBeUndefined();
    // …until its visibility is set to 0.
    await sqs.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queue!.url, ReceiptHandle: first.Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await sqs.client.send(
      new ReceiveMessageCommand({ QueueUrl: queue!.url, WaitTimeSeconds: 2, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(again.Messages?.map((message) => [message.MessageId, message.Attributes?.ApproximateReceiveCount])).toEqual([[first.Messages![0]!.MessageId, '2']]);
  });
});

describe('SQS event source mapping (local SQS + poller + invoker)', () => {
  it('invokes the bundle with the SQSEvent shape Lambda delivers', async () => {
    const queue = await queueWithPoller({ name: `shape-${randomBytes(4).toString('hex')}` });
    const body = JSON.stringify({ action: 'ok', n: 1 });
    const sent = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: body,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'demo' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 255]) } },
      }),
    );
    await waitFor(() => deliveries(queue).length === 1, 20_000, 'one delivery');
    const record = deliveries(queue)[0]!;
    expect(Object.keys(record).sort()).toEqual(
      [
        'attributes',
        'awsRegion',
        'body',
        'eventSource',
        'eventSourceARN',
        'md5OfBody',
        'md5OfMessageAttributes',
        'messageAttributes',
        'messageId',
        'receiptHandle',
      ].sort(),
    );
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body,
      md5OfBody: createHash('md5').update(body).digest('hex'),
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      messageAttributes: {
        kind: { stringValue: 'demo', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from([1, 2, 255]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(record.receiptHandle).toEqual(expect.any(String));
    expect(record.attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d{13}$/),
      SenderId: expect.any(String),
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
    });
    // A successful record is deleted: nothing is left to receive.
    await waitFor(async () => (await sqs.depth(queue.declaration.name)) === 0, 5_000, 'empty queue');
  });

  it('redelivers a failed batch after the visibility timeout with a higher receive count', async () => {
    const queue = await queueWithPoller({ visibilityTimeoutSeconds: 2, maxReceiveCount: 5 });
    await sqs.sendToQueue(queue.declaration.name, JSON.stringify({ action: 'throw-once' }));
    await waitFor(() => deliveries(queue).length === 2, 20_000, 'a redelivery');
    const [first, second] = deliveries(queue);
    expect(second!.messageId).toBe(first!.messageId);
    expect([first!.attributes.ApproximateReceiveCount, second!.attributes.ApproximateReceiveCount]).toEqual(['1', '2']);
    // Seen right after it arrived, which was not before the visibility timeout ran out.
    expect(Date.now() - Number(first!.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(2000);
    await waitFor(async () => (await sqs.depth(queue.declaration.name)) === 0, 5_000, 'empty queue');
    expect(await sqs.depth(`${queue.declaration.name}-dlq`)).toBe(0);
  });

  it('moves a poison message to the DLQ after 3 receives', async () => {
    const queue = await queueWithPoller({ visibilityTimeoutSeconds: 1, maxReceiveCount: 3 });
    const poison = await sqs.sendToQueue(queue.declaration.name, JSON.stringify({ action: 'throw' }));
    await sqs.sendToQueue(queue.declaration.name, JSON.stringify({ action: 'ok' }));
    await waitFor(async () => (await sqs.depth(`${queue.declaration.name}-dlq`)) === 1, 25_000, 'the DLQ to hold the poison message');
    const poisonDeliveries = deliveries(queue).filter((record) => record.messageId === poison);
    expect(poisonDeliveries.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    const dead = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MessageSystemAttributeNames: ['All'] }));
    expect(dead.Messages?.map((message) => message.MessageId)).toEqual([poison]);
    expect(await sqs.depth(queue.declaration.name)).toBe(0);
  });

  it('deletes only the successes of a partially failed batch', async () => {
    // The visibility timeout outlasts window + invocation, as AWS requires for a mapping.
    const queue = await queueWithPoller({ visibilityTimeoutSeconds: 3, batchSize: 10, maximumBatchingWindowSeconds: 1 });
    const actions = ['ok', 'fail-once', 'ok', 'fail-once', 'ok'];
    const sent = await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: actions.map((action, i) => ({ Id: String(i), MessageBody: JSON.stringify({ action, i }) })),
      }),
    );
    const idOf = (i: number) => sent.Successful!.find((entry) => entry.Id === String(i))!.MessageId!;
    await waitFor(() => deliveries(queue).length >= 7, 20_000, 'five deliveries and two redeliveries');
    await waitFor(async () => (await sqs.depth(queue.declaration.name)) === 0, 5_000, 'empty queue');
    const countOf = (id: string) => deliveries(queue).filter((record) => record.messageId === id).length;
    expect(actions.map((_, i) => countOf(idOf(i)))).toEqual([1, 2, 1, 2, 1]);
    const redelivered = deliveries(queue).filter((record) => record.attributes.ApproximateReceiveCount === '2');
    expect(redelivered.map((record) => record.messageId).sort()).toEqual([idOf(1), idOf(3)].sort());
  });

  it('gathers records for the batching window and caps a batch at batchSize', async () => {
    const queue = await queueWithPoller({ visibilityTimeoutSeconds: 30, batchSize: 5, maximumBatchingWindowSeconds: 5 });
    for (let i = 0; i < 3; i++) {
      await sqs.sendToQueue(queue.declaration.name, JSON.stringify({ action: 'ok', i }));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitFor(() => deliveries(queue).length === 3, 20_000, 'three deliveries');
    // Sent one by one, delivered together: the window kept the batch open.
    expect(batches(queue).map((batch) => batch.length)).toEqual([3]);

    const capped = await queueWithPoller({ visibilityTimeoutSeconds: 30, batchSize: 5, maximumBatchingWindowSeconds: 2 });
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: capped.url,
        Entries: Array.from({ length: 7 }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ i }) })),
      }),
    );
    await waitFor(() => deliveries(capped).length === 7, 20_000, 'seven deliveries');
    expect(batches(capped).every((batch) => batch.length <= 5)).toBe(true);
    expect(batches(capped).length).toBeGreaterThanOrEqual(2);
  });

  it('rejects a batch size above 10 without a batching window, as AWS does', () => {
    expect(() => startSqsPoller({ client: sqs.client, queueUrl: 'x', queueArn: 'x', region: 'us-east-1', batchSize: 50, invoke })).toThrow(
      /maximumBatchingWindowSeconds/,
    );
  });
});

const awsCli = await exec('aws', ['--version']).then(
  () => true,
  () => false,
);

describe.skipIf(!awsCli)(`AWS CLI against the local SQS${awsCli ? '' : ' — SKIPPED: no `aws` binary on PATH'}`, () => {
  it('aws sqs send-message reaches the consumer; get-queue-attributes reports the DLQ depth', async () => {
    const queue = await queueWithPoller({ visibilityTimeoutSeconds: 1, maxReceiveCount: 1 });
    const env = { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' };
    // CLI v1 ignores AWS_ENDPOINT_URL_SQS in us-east-1 (it pins queue.amazonaws.com unless --endpoint-url is given).
    const cli = async (...args: string[]) =>
      JSON.parse((await exec('aws', ['sqs', ...args, '--endpoint-url', sqs.endpoint, '--output', 'json'], { env })).stdout || '{}');
    const { QueueUrl } = await cli('get-queue-url', '--queue-name', queue.declaration.name);
    expect(QueueUrl).toBe(queue.url);
    const ok = await cli('send-message', '--queue-url', QueueUrl, '--message-body', JSON.stringify({ action: 'ok', via: 'cli' }));
    const poison = await cli('send-message', '--queue-url', QueueUrl, '--message-body', JSON.stringify({ action: 'throw' }));
    await waitFor(() => deliveries(queue).some((record) => record.messageId === ok.MessageId), 20_000, 'the CLI message');
    const dlq = await cli('get-queue-url', '--queue-name', `${queue.declaration.name}-dlq`);
    await waitFor(async () => (await sqs.depth(`${queue.declaration.name}-dlq`)) === 1, 25_000, 'the poison message in the DLQ');
    const depth = await cli('get-queue-attributes', '--queue-url', dlq.QueueUrl, '--attribute-names', 'ApproximateNumberOfMessages');
    expect(depth.Attributes).toEqual({ ApproximateNumberOfMessages: '1' });
    expect(deliveries(queue).filter((record) => record.messageId === poison.MessageId)).toHaveLength(1);
  }, 60_000);
});
