import { marshall } from '@aws-sdk/util-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { domainEvent } from '../../events/catalog.js';
import { PUT_EVENTS_MAX_BYTES, putEventsEntrySize, toPutEventsEntry } from '../../events/put-events-entry.js';
import { lambdas, tableDesigns } from '../registry.js';
import { publishOutbox } from './outbox-publisher.js';
import { outboxPut, outboxRecord } from './outbox-record.js';
import { OutboxEventTooLargeError } from './outbox.errors.js';
import { OUTBOX_EXPIRES_AT, outboxTable } from './outbox.table.js';
import { streamSources } from './stream-sources.js';

const eb = mockClient(EventBridgeClient);
afterEach(() => eb.reset());

describe('outboxRecord', () => {
  it('keys the row by the envelope id, carries the envelope as JSON and expires it 7 days after occurred_at', () => {
    const event = sampleEvent('order.created');
    const record = outboxRecord(event);
    expect(record).toEqual({ pk: event.id, event: expect.any(String), [OUTBOX_EXPIRES_AT]: Date.parse(event.occurred_at) / 1000 + 7 * 24 * 3600 });
    expect(JSON.parse(record.event)).toEqual(event);
    expect(outboxTable.timeToLiveAttribute).toBe(OUTBOX_EXPIRES_AT);
  });

  it('is a row the publisher publishes as that envelope, source and detail-type from the catalog', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const event = sampleEvent('payment.succeeded');
    const result = await publishOutbox(
      { Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(outboxRecord(event)) as never } }] },
      { client: new EventBridgeClient({ region: 'us-east-1' }), eventBusName: 'bus' },
    );
    expect(result.batchItemFailures).toEqual([]);
    const [entry] = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({ Source: 'records.payments', DetailType: 'payment.succeeded', EventBusName: 'bus' });
    expect(JSON.parse(entry!.Detail!)).toEqual(event);
  });

  it('refuses an envelope that is not a valid event, before anything commits', () => {
    expect(() => outboxRecord({ ...sampleEvent('order.created'), type: 'order.nonsense' } as never)).toThrow();
    expect(() => outboxRecord({ ...sampleEvent('order.created'), id: 'not-a-uuid' })).toThrow();
  });

  it('keeps the largest valid event small enough that 10 always fit one PutEvents request', () => {
    // 100 lines with 64-character SKUs and the largest quantities and prices, maximal ids and token.
    const largest = sampleEvent('order.created', {
      correlation_id: 'c'.repeat(128),
      causation_id: 'c'.repeat(128),
      data: {
        order_id: 'o'.repeat(64),
        customer_id: 'u'.repeat(128),
        items: Array.from({ length: 100 }, (_, i) => ({
          sku: `${i}`.padEnd(64, 's'),
          quantity: 1_000_000,
          unit_price: { amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' },
        })),
        total: { amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' },
        payment: { method: 'card', token: 't'.repeat(256) },
      },
    } as never);
    const bytes = putEventsEntrySize(toPutEventsEntry(domainEvent.parse(largest)));
    expect(outboxRecord(largest).pk).toBe(largest.id);
    expect(bytes).toBeLessThan(PUT_EVENTS_MAX_BYTES / 10);
  });

  it('refuses an event over 256 KB with a typed 413 error', () => {
    const error = new OutboxEventTooLargeError('order.created', 'id', PUT_EVENTS_MAX_BYTES + 1, PUT_EVENTS_MAX_BYTES);
    expect(error).toMatchObject({ code: 'event.tooLarge', kind: 'payloadTooLarge', context: { bytes: PUT_EVENTS_MAX_BYTES + 1 } });
  });
});

describe('outboxPut', () => {
  it('is a TransactWriteItems Put that fails when the event id was written already', () => {
    const event = sampleEvent('order.cancelled');
    expect(outboxPut(event, 'outbox-table')).toEqual({
      Put: {
        TableName: 'outbox-table',
        Item: outboxRecord(event),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      },
    });
  });
});

describe('stream sources', () => {
  it.each(streamSources.map((source) => [source.table, source.consumer, source] as const))(
    '%s → %s: the table has a stream and the consumer is registered',
    (_t, _c, source) => {
      expect(tableDesigns.find((design) => design.id === source.table)?.stream).toBeDefined();
      expect(lambdas.some((fn) => fn.id === source.consumer)).toBe(true);
    },
  );
});
