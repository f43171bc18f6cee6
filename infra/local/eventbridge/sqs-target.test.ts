import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPutEventsEntry } from '../../../events/put-events-entry.js';
import { sampleEvent } from '../../../events/sample-events.js';
import { queues } from '../../../shared/events/queues.js';
import { createQueues, type DeclaredQueue, type LocalSqs, startLocalSqs } from '../local-sqs.js';
import { type LocalEventBus, startLocalEventBus } from './local-event-bus.js';
import { sqsTarget } from './sqs-target.js';

let sqs: LocalSqs;
let declared: DeclaredQueue[];
let bus: LocalEventBus;
let client: EventBridgeClient;

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0 });
  declared = await createQueues(sqs.client, queues);
  bus = await startLocalEventBus({ port: 0, deliver: sqsTarget(sqs.sendToQueue) });
  client = new EventBridgeClient({ endpoint: bus.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client?.destroy();
  await bus?.close();
  await sqs?.stop();
});

async function receiveAll(queueName: string): Promise<unknown[]> {
  const url = declared.find((queue) => queue.declaration.name === queueName)!.url;
  const out = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return (out.Messages ?? []).map((message) => JSON.parse(message.Body!));
}

describe('local EventBridge → local SQS', () => {
  it('puts each matched event, in the EventBridge shape, on the queue of every rule that matched', async () => {
    const envelope = sampleEvent('payment.succeeded');
    const result = await client.send(new PutEventsCommand({ Entries: [toPutEventsEntry(envelope)] }));
    await bus.idle();
    expect(bus.failedDeliveries).toEqual([]);
    const expected = { version: '0', id: result.Entries![0]!.EventId, 'detail-type': 'payment.succeeded', source: 'records.payments', detail: envelope };
    expect(await receiveAll('order-finalize')).toEqual([expect.objectContaining(expected)]);
    expect(await receiveAll('order-status-projector')).toEqual([expect.objectContaining(expected)]);
    expect(await receiveAll('inventory-reserve')).toEqual([]);
  });
});
