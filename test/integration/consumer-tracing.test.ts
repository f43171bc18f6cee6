import { describe, expect, it, vi } from 'vitest';

// As in a Lambda container with active tracing: the tracer reads the environment when it loads, before the imports below.
await vi.hoisted(() => import('../support/lambda-tracing-env.js'));

import { sampleEvent } from '../../events/sample-events.js';
import { sqsConsumer } from '../../shared/consumers/sqs-consumer.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { useLocalTables } from '../support/local-tables.js';
import { withTestSegment } from '../support/xray-test-segment.js';

useLocalTables();

const QUEUE = 'payment-process';

function consumer(fail: (orderId: string) => boolean) {
  const handler = sqsConsumer({
    consumer: QUEUE,
    events: ['inventory.reserved'],
    setup: () => ({}),
    handle: async (event) => {
      if (fail(event.data.order_id)) throw new Error('payment gateway hiccup');
      return { charged: event.data.order_id };
    },
  });
  return (...records: Parameters<typeof sqsEvent>) => handler(sqsEvent(...records), lambdaContext(QUEUE));
}

describe('sqsConsumer tracing (real X-Ray segment, idempotency on DynamoDB Local)', () => {
  it('opens one subsegment per record, annotated with consumer, event type and order id', async () => {
    const invoke = consumer(() => false);
    const first = sampleEvent('inventory.reserved', { data: { order_id: 'ord_TRACE0001', items: [{ sku: 'SKU-1', quantity: 1 }] } } as never);
    const second = sampleEvent('inventory.reserved', { data: { order_id: 'ord_TRACE0002', items: [{ sku: 'SKU-1', quantity: 1 }] } } as never);
    const segments = await withTestSegment(() => invoke(envelopeRecord(first, QUEUE), envelopeRecord(second, QUEUE)));
    expect(segments.map((s) => [s.name, s.annotations])).toEqual([
      ['### payment-process', { consumer: QUEUE, event_type: 'inventory.reserved', order_id: 'ord_TRACE0001' }],
      ['### payment-process', { consumer: QUEUE, event_type: 'inventory.reserved', order_id: 'ord_TRACE0002' }],
    ]);
    // The idempotency client is captured: its DynamoDB calls are subsegments of the record's.
    expect(segments[0]!.subsegments.map((s) => s.name)).toContain('DynamoDB');
    expect(segments.every((s) => !s.fault)).toBe(true);
  });

  it('records a failed record as a fault with its exception on that record only', async () => {
    const invoke = consumer((orderId) => orderId === 'ord_TRACEFAIL');
    const bad = sampleEvent('inventory.reserved', { data: { order_id: 'ord_TRACEFAIL', items: [{ sku: 'SKU-1', quantity: 1 }] } } as never);
    const good = sampleEvent('inventory.reserved', { data: { order_id: 'ord_TRACEGOOD', items: [{ sku: 'SKU-1', quantity: 1 }] } } as never);
    let failures: unknown;
    const segments = await withTestSegment(async () => {
      failures = (await invoke(envelopeRecord(bad, QUEUE), envelopeRecord(good, QUEUE))).batchItemFailures;
    });
    expect(failures).toHaveLength(1);
    const [failed, passed] = segments;
    expect(failed).toMatchObject({ fault: true, annotations: { order_id: 'ord_TRACEFAIL' } });
    expect(failed!.exceptions).toEqual([expect.objectContaining({ message: 'payment gateway hiccup' })]);
    expect(passed).toMatchObject({ fault: false, annotations: { order_id: 'ord_TRACEGOOD' } });
  });
});
