import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutRuleCommand,
  DeleteRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPutEventsEntry } from '../../../events/put-events-entry.js';
import { sampleEvent } from '../../../events/sample-events.js';
import { type LocalEventBus, startLocalEventBus } from '../../local/eventbridge/local-event-bus.js';
import { sqsTarget } from '../../local/eventbridge/sqs-target.js';
import { type LocalSqs, startLocalSqs } from '../../local/local-sqs.js';
import { formatTailed, type TailedEvent, tailEvents } from './tail.js';

let sqs: LocalSqs;
let bus: LocalEventBus;
let events: EventBridgeClient;

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0 });
  bus = await startLocalEventBus({ port: 0, deliver: sqsTarget(sqs.sendToQueue) });
  events = new EventBridgeClient({ endpoint: bus.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  events?.destroy();
  await bus?.close();
  await sqs?.stop();
});

/** Runs a tail until it has `count` events; resolves once its rule is in place. */
async function startTail(options: { count: number; types?: string[]; correlationId?: string }) {
  const seen: TailedEvent[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const done = tailEvents({
    events,
    sqs: sqs.client,
    busName: bus.busName,
    waitSeconds: 1,
    ...options,
    onReady: () => ready(),
    onEvent: (event) => seen.push(event),
  });
  await Promise.race([isReady, done]);
  return { seen, done };
}

const put = (...envelopes: ReturnType<typeof sampleEvent>[]) =>
  events.send(new PutEventsCommand({ Entries: envelopes.map((envelope) => toPutEventsEntry(envelope)) }));
const tailQueues = async () => ((await sqs.client.send(new ListQueuesCommand({}))).QueueUrls ?? []).filter((url) => url.includes('events-tail-'));
const tailRules = async () =>
  ((await events.send(new ListRulesCommand({ EventBusName: bus.busName, NamePrefix: 'events-tail-' }))).Rules ?? []).map((rule) => rule.Name);

describe('tailEvents (npm run events:tail) against the local bus and SQS', () => {
  it('prints the events flowing on the bus with their ids, then removes its rule and queue', async () => {
    const tail = await startTail({ count: 2 });
    expect(await tailRules()).toHaveLength(1);
    const created = sampleEvent('order.created', { correlation_id: 'corr-tail-1' });
    const reserved = sampleEvent('inventory.reserved', { correlation_id: 'corr-tail-1', causation_id: created.id });
    await put(created, reserved);
    await bus.idle();
    expect(await tail.done).toBe(2);
    expect(tail.seen.map((event) => [event.type, event.eventId, event.correlationId, event.causationId])).toEqual([
      ['order.created', created.id, 'corr-tail-1', created.causation_id],
      ['inventory.reserved', reserved.id, 'corr-tail-1', created.id],
    ]);
    expect(tail.seen[0]!.subject).toBe((created.data as { order_id: string }).order_id);
    expect(formatTailed(tail.seen[1]!)).toContain(`causation=${created.id}`);
    expect(await tailRules()).toEqual([]);
    expect(await tailQueues()).toEqual([]);
    // The declared rules are untouched.
    expect((await events.send(new DescribeRuleCommand({ Name: 'inventory-reserve', EventBusName: bus.busName }))).State).toBe('ENABLED');
  });

  it('filters by detail-type and by correlation id on the bus, as EventBridge patterns do', async () => {
    const tail = await startTail({ count: 1, types: ['payment.failed'], correlationId: 'corr-wanted' });
    await put(sampleEvent('payment.failed', { correlation_id: 'corr-other' }), sampleEvent('order.created', { correlation_id: 'corr-wanted' }));
    const wanted = sampleEvent('payment.failed', { correlation_id: 'corr-wanted' });
    await put(wanted);
    await bus.idle();
    expect(await tail.done).toBe(1);
    expect(tail.seen.map((event) => event.eventId)).toEqual([wanted.id]);
  });

  it('stops on abort and still cleans up', async () => {
    const abort = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const done = tailEvents({
      events,
      sqs: sqs.client,
      busName: bus.busName,
      waitSeconds: 1,
      signal: abort.signal,
      onReady: () => ready(),
      onEvent: () => undefined,
    });
    await isReady;
    abort.abort();
    expect(await done).toBe(0);
    expect(await tailRules()).toEqual([]);
    expect(await tailQueues()).toEqual([]);
  });
});

describe('local bus rules made at run time', () => {
  it('refuses to redefine, retarget or delete a rule declared in events/rules.ts', async () => {
    await expect(
      events.send(new PutRuleCommand({ Name: 'inventory-reserve', EventBusName: bus.busName, EventPattern: '{"source":["x"]}' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      events.send(
        new PutTargetsCommand({ Rule: 'inventory-reserve', EventBusName: bus.busName, Targets: [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }] }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(events.send(new DeleteRuleCommand({ Name: 'inventory-reserve', EventBusName: bus.busName }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('refuses an invalid pattern, a non-SQS target, and deleting a rule that still has targets', async () => {
    await expect(
      events.send(new PutRuleCommand({ Name: 'tmp-bad', EventBusName: bus.busName, EventPattern: '{"source":"not-an-array"}' })),
    ).rejects.toMatchObject({ name: 'InvalidEventPatternException' });
    await events.send(new PutRuleCommand({ Name: 'tmp-ok', EventBusName: bus.busName, EventPattern: '{"source":["records.orders"]}' }));
    const lambda = await events.send(
      new PutTargetsCommand({ Rule: 'tmp-ok', EventBusName: bus.busName, Targets: [{ Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f' }] }),
    );
    expect(lambda.FailedEntryCount).toBe(1);
    await events.send(
      new PutTargetsCommand({ Rule: 'tmp-ok', EventBusName: bus.busName, Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:tmp-ok-queue' }] }),
    );
    await expect(events.send(new DeleteRuleCommand({ Name: 'tmp-ok', EventBusName: bus.busName }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('has targets'),
    });
  });
});
