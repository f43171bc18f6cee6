import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { toPutEventsEntry } from '../../events/put-events-entry.js';
import { consumedEvent } from './consumed-event.js';
import { PoisonMessageError } from './consumer.errors.js';

/** The SQS record of an EventBridge rule target delivering `detail` (fields as AWS sends them). */
function record(detail: unknown, overrides: Record<string, unknown> = {}, receiveCount = '1'): SQSRecord {
  const body = {
    version: '0',
    id: 'eb-1',
    'detail-type': 'inventory.reserved',
    source: 'records.inventory',
    account: '123456789012',
    time: '2026-12-02T14:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...overrides,
  };
  return {
    messageId: 'msg-1',
    receiptHandle: 'rh',
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '1' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:payment-process',
    awsRegion: 'eu-west-1',
  };
}

function poisonOf(run: () => unknown): PoisonMessageError {
  try {
    run();
  } catch (error) {
    if (error instanceof PoisonMessageError) return error;
    throw error;
  }
  throw new Error('expected a PoisonMessageError');
}

describe('consumedEvent', () => {
  it('returns the typed envelope and the delivery facts of a valid record', () => {
    const event = sampleEvent('inventory.reserved');
    expect(toPutEventsEntry(event).DetailType).toBe('inventory.reserved');
    const { envelope, message } = consumedEvent(record(event, {}, '2'), ['inventory.reserved']);
    expect(envelope).toEqual(event);
    expect(message).toEqual({ messageId: 'msg-1', receiveCount: 2, eventBridgeId: 'eb-1' });
  });

  it('names the failing paths of a refused envelope but never its values', () => {
    const event = sampleEvent('inventory.reserved');
    const error = poisonOf(() =>
      consumedEvent(record({ ...event, data: { order_id: 'ord_1', items: [{ sku: 'tok_secret_value', quantity: 'tok_secret_value' }] } }), [
        'inventory.reserved',
      ]),
    );
    expect(error.problem.part).toBe('envelope');
    expect(error.problem.issues).toEqual([expect.stringMatching(/^detail\.data\.items\.0\.quantity: /)]);
    expect(JSON.stringify(error)).not.toContain('tok_secret_value');
    expect(error.code).toBe('consumer.poisonMessage');
  });

  it('refuses types the consumer does not handle and a source that does not own the type', () => {
    expect(poisonOf(() => consumedEvent(record(sampleEvent('inventory.reserved')), ['order.created' as never])).problem.part).toBe('type');
    expect(poisonOf(() => consumedEvent(record(sampleEvent('inventory.reserved'), { source: 'records.orders' }), ['inventory.reserved'])).problem.part).toBe(
      'type',
    );
    expect(poisonOf(() => consumedEvent(record(sampleEvent('inventory.reserved'), { 'detail-type': 'toString' }), ['inventory.reserved'])).problem.part).toBe(
      'type',
    );
  });

  it('refuses bodies that are not JSON or not EventBridge events', () => {
    expect(poisonOf(() => consumedEvent({ ...record({}), body: '{' }, ['inventory.reserved'])).problem).toEqual({ part: 'body', issues: ['body: not JSON'] });
    expect(poisonOf(() => consumedEvent({ ...record({}), body: 'null' }, ['inventory.reserved'])).problem.part).toBe('event');
    expect(poisonOf(() => consumedEvent(record('a string detail'), ['inventory.reserved'])).problem.part).toBe('event');
  });
});
