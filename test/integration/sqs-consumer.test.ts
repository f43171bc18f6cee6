import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../events/catalog.js';
import { sampleEvent } from '../../events/sample-events.js';
import { startSqsPoller } from '../../infra/local/event-sources/sqs-poller.js';
import { createQueues, type LocalSqs, startLocalSqs } from '../../infra/local/local-sqs.js';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, sqsConsumer } from '../../shared/consumers/sqs-consumer.js';
import { idempotencyTable } from '../../shared/consumers/idempotency.table.js';
import { logger } from '../../shared/powertools/logger.js';
import { envelopeRecord, eventBridgeEvent, lambdaContext, sqsEvent, sqsRecordOf } from '../support/eventbridge-sqs-record.js';
import { waitFor } from '../support/event-source-test-function.js';
import { useLocalTables } from '../support/local-tables.js';

const local = useLocalTables();

const QUEUE = 'payment-process';
const CORRELATION = 'flow-0123456789abcdef';

/** A payment-process consumer whose effect counts calls per envelope id; `failures` makes the next N calls of an id throw. */
function countingConsumer(consumer = QUEUE) {
  const calls = new Map<string, number>();
  const failures = new Map<string, number>();
  const handler = sqsConsumer({
    consumer,
    events: ['inventory.reserved'],
    setup: () => ({ calls }),
    handle: async (event, deps) => {
      deps.calls.set(event.id, (deps.calls.get(event.id) ?? 0) + 1);
      const left = failures.get(event.id) ?? 0;
      if (left > 0) {
        failures.set(event.id, left - 1);
        throw new Error('payment gateway hiccup');
      }
      return { charged: event.data.order_id };
    },
  });
  return { calls, failures, invoke: (event: SQSEvent) => handler(event, lambdaContext(consumer)) };
}

const reserved = (overrides: Partial<DomainEvent> = {}) => sampleEvent('inventory.reserved', { correlation_id: CORRELATION, ...overrides });

async function idempotencyItems(): Promise<Record<string, unknown>[]> {
  const out = await local.tables.client.send(new ScanCommand({ TableName: process.env[idempotencyTable.envVar] }));
  return (out.Items ?? []).map((item) => unmarshall(item));
}

describe('sqsConsumer (Powertools batch + idempotency on DynamoDB Local)', () => {
  it('reports only the poison record of a batch and runs the effect once per envelope id', async () => {
    const { calls, invoke } = countingConsumer();
    const good = reserved();
    const goodRecord = envelopeRecord(good, QUEUE);
    const poison = envelopeRecord({ ...reserved(), data: { order_id: '', items: [] } }, QUEUE);
    const duplicate = envelopeRecord(good, QUEUE); // the same envelope, delivered again as another message

    const response = await invoke(sqsEvent(goodRecord, poison, duplicate));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.messageId }]);
    expect(calls.get(good.id)).toBe(1);
    expect(calls.size).toBe(1);

    // A later redelivery (another batch, another receive) is absorbed too.
    const again = await invoke(sqsEvent(envelopeRecord(good, QUEUE, 2)));
    expect(again.batchItemFailures).toEqual([]);
    expect(calls.get(good.id)).toBe(1);

    const [record] = (await idempotencyItems()).filter((item) => String(item.id).startsWith(`${QUEUE}#`));
    expect(record).toMatchObject({ status: 'COMPLETED', data: { charged: (good.data as { order_id: string }).order_id } });
    const ttl = Number(record!.expiration) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(DEFAULT_IDEMPOTENCY_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(DEFAULT_IDEMPOTENCY_TTL_SECONDS + 1); // Powertools rounds to whole seconds
  });

  it('treats every kind of message that can never succeed as poison', async () => {
    const { calls, invoke } = countingConsumer();
    const created = sampleEvent('order.created', { correlation_id: CORRELATION });
    const poisons = [
      sqsRecordOf('not json {', QUEUE),
      sqsRecordOf(JSON.stringify({ hello: 'world' }), QUEUE), // not an EventBridge event
      envelopeRecord(created, QUEUE), // a type this consumer does not handle
      sqsRecordOf(
        JSON.stringify(eventBridgeEvent(reserved(), { 'detail-type': 'inventory.reserved', detail: { ...reserved(), type: 'inventory.released' } })),
        QUEUE,
      ), // detail-type ≠ envelope type
      sqsRecordOf(JSON.stringify(eventBridgeEvent(reserved(), { source: 'records.orders' })), QUEUE), // wrong source for the type
      envelopeRecord({ ...reserved(), id: 'not-a-uuid' }, QUEUE),
    ];
    const good = envelopeRecord(reserved(), QUEUE);

    const response = await invoke(sqsEvent(...poisons, good));

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(poisons.map((record) => record.messageId));
    expect([...calls.values()]).toEqual([1]);
  });

  it('answers with every record when the whole batch fails, instead of throwing', async () => {
    const { invoke } = countingConsumer();
    const records = [sqsRecordOf('{', QUEUE), sqsRecordOf('[]', QUEUE)];
    const response = await invoke(sqsEvent(...records));
    expect(response.batchItemFailures).toEqual(records.map((record) => ({ itemIdentifier: record.messageId })));
  });

  it('a failed effect leaves no record behind, so the redelivery runs it again', async () => {
    const { calls, failures, invoke } = countingConsumer();
    const event = reserved();
    failures.set(event.id, 1);
    const first = envelopeRecord(event, QUEUE);
    expect((await invoke(sqsEvent(first))).batchItemFailures).toEqual([{ itemIdentifier: first.messageId }]);
    expect((await invoke(sqsEvent(envelopeRecord(event, QUEUE, 2)))).batchItemFailures).toEqual([]);
    expect(calls.get(event.id)).toBe(2);
    expect((await invoke(sqsEvent(envelopeRecord(event, QUEUE, 3)))).batchItemFailures).toEqual([]);
    expect(calls.get(event.id)).toBe(2);
  });

  it('a copy delivered to another container while the first is still running fails, and its redelivery is absorbed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let effects = 0;
    const container = () =>
      sqsConsumer({
        consumer: QUEUE,
        events: ['inventory.reserved'],
        setup: () => ({}),
        handle: async () => {
          effects += 1;
          started();
          await gate;
          return { done: true };
        },
      });
    const [first, second] = [container(), container()];
    const event = reserved();
    const slow = first(sqsEvent(envelopeRecord(event, QUEUE)), lambdaContext(QUEUE));
    await running;
    const copy = envelopeRecord(event, QUEUE);
    expect(await second(sqsEvent(copy), lambdaContext(QUEUE))).toEqual({ batchItemFailures: [{ itemIdentifier: copy.messageId }] });
    release();
    expect((await slow).batchItemFailures).toEqual([]);
    expect((await second(sqsEvent(envelopeRecord(event, QUEUE, 2)), lambdaContext(QUEUE))).batchItemFailures).toEqual([]);
    expect(effects).toBe(1);
  });

  it('keeps consumers apart: the same event id runs once in each consumer', async () => {
    const payments = countingConsumer('payment-process');
    const projector = countingConsumer('order-status-projector');
    const event = reserved();
    await payments.invoke(sqsEvent(envelopeRecord(event, 'payment-process')));
    await projector.invoke(sqsEvent(envelopeRecord(event, 'order-status-projector')));
    await projector.invoke(sqsEvent(envelopeRecord(event, 'order-status-projector')));
    expect([payments.calls.get(event.id), projector.calls.get(event.id)]).toEqual([1, 1]);
  });

  it('refuses, at cold start, event types its rule never delivers', () => {
    expect(() => sqsConsumer({ consumer: 'payment-process', events: ['order.created'], setup: () => ({}), handle: async () => undefined })).toThrow(
      /does not deliver order.created/,
    );
    expect(() => sqsConsumer({ consumer: 'no-such-consumer', events: [], setup: () => ({}), handle: async () => undefined })).toThrow(/no event rule/);
  });

  it("writes the envelope's correlation id on every line logged while the record is handled", async () => {
    // POWERTOOLS_DEV: the logger writes one (indented) JSON document per console call.
    const lines: string[] = [];
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line))),
    );
    logger.setLogLevel('INFO');
    try {
      const handler = sqsConsumer({
        consumer: QUEUE,
        events: ['inventory.reserved'],
        setup: () => ({}),
        handle: async (event) => {
          logger.info('charging', { order_id: event.data.order_id });
          throw new Error('gateway down');
        },
      });
      const poison = envelopeRecord({ ...reserved(), correlation_id: 'flow-of-the-poison-01', data: {} }, QUEUE, 3);
      await handler(sqsEvent(envelopeRecord(reserved(), QUEUE), poison), lambdaContext(QUEUE));
      logger.info('after the batch');
    } finally {
      logger.setLogLevel('SILENT');
      for (const spy of spies) spy.mockRestore();
    }
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((entry) => entry.message)).toEqual([
      'charging',
      'event handling failed; SQS will redeliver it',
      'poison message: moving to the DLQ',
      'after the batch',
    ]);
    for (const entry of entries.slice(0, 2)) {
      expect(entry).toMatchObject({ correlation_id: CORRELATION, event_type: 'inventory.reserved', receive_count: 1, function_name: QUEUE });
    }
    // A poison envelope that still carries a safe correlation id is traceable; the keys of the record before it are gone.
    expect(entries[2]).toMatchObject({ correlation_id: 'flow-of-the-poison-01', receive_count: 3, max_receive_count: 3, problem: { part: 'envelope' } });
    expect(entries[2]).not.toHaveProperty('event_id');
    expect(entries[3]).not.toHaveProperty('event_id');
    expect(entries[3]).not.toHaveProperty('correlation_id');
  });
});

describe('poison messages on local SQS (fauxqs) through the event source poller', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });

  it('moves a poison message to the DLQ after 3 receives and deletes the good one', async () => {
    const name = `payment-process-${randomBytes(4).toString('hex')}`;
    const [queue] = await createQueues(sqs.client, [{ name, visibilityTimeoutSeconds: 1, maxReceiveCount: 3, batchSize: 10 }]);
    const { calls, invoke } = countingConsumer();
    const receives: Record<string, number[]> = {};
    const poller = startSqsPoller({
      client: sqs.client,
      queueUrl: queue!.url,
      queueArn: queue!.arn,
      region: 'us-east-1',
      batchSize: 10,
      waitTimeSeconds: 1,
      invoke: async (event) => {
        for (const record of event.Records) (receives[record.body.slice(0, 12)] ??= []).push(Number(record.attributes.ApproximateReceiveCount));
        return invoke(event);
      },
      onError: () => undefined,
    });
    try {
      const good = reserved();
      await sqs.sendToQueue(name, JSON.stringify(eventBridgeEvent(good)));
      await sqs.sendToQueue(name, 'poison-body not json');
      await waitFor(async () => (await sqs.depth(`${name}-dlq`)) === 1, 20_000, 'the poison message in the DLQ');
      expect(receives['poison-body ']).toEqual([1, 2, 3]);
      expect(calls.get(good.id)).toBe(1);
      expect(await sqs.depth(name)).toBe(0);
    } finally {
      await poller.stop();
    }
  });
});
