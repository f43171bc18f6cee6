import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toPutEventsEntry } from '../../../events/put-events-entry.js';
import { eventRules } from '../../../events/rules.js';
import { sampleEvent } from '../../../events/sample-events.js';
import { type LocalEventBus, type RuleTarget, startLocalEventBus } from './local-event-bus.js';
import type { DeliveredEvent } from './put-events.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let bus: LocalEventBus;
let client: EventBridgeClient;
let delivered: { target: RuleTarget; event: DeliveredEvent }[] = [];

beforeAll(async () => {
  bus = await startLocalEventBus({ port: 0, region: 'us-east-1' });
  client = new EventBridgeClient({ endpoint: bus.url, region: 'us-east-1', credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await bus?.close();
});
beforeEach(() => {
  delivered = [];
  bus.setDeliver(async (target, event) => {
    delivered.push({ target, event });
  });
});

const queuesOf = (id: string) =>
  delivered
    .filter((entry) => entry.event.id === id)
    .map((entry) => entry.target.queue)
    .sort();

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('local EventBridge bus: PutEvents with the real EventBridgeClient', () => {
  it('accepts an envelope and delivers it, in the EventBridge event shape, to every rule that matches', async () => {
    const envelope = sampleEvent('order.created');
    const result = await client.send(new PutEventsCommand({ Entries: [toPutEventsEntry(envelope)] }));
    expect(result.FailedEntryCount).toBe(0);
    const eventId = result.Entries?.[0]?.EventId;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await bus.idle();
    expect(queuesOf(eventId!)).toEqual(['inventory-reserve', 'order-status-projector']);
    expect(delivered[0]!.event).toEqual({
      version: '0',
      id: eventId,
      'detail-type': 'order.created',
      source: 'records.orders',
      account: '000000000000',
      time: '2026-12-02T14:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: envelope,
    });
    expect(delivered[0]!.target.arn).toBe(`arn:aws:sqs:us-east-1:000000000000:${delivered[0]!.target.queue}`);
  });

  it('routes each saga event type to the consumers declared for it', async () => {
    const entries = (['inventory.reserved', 'payment.failed', 'inventory.release_requested'] as const).map((type) => toPutEventsEntry(sampleEvent(type)));
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    await bus.idle();
    const [reserved, failed, release] = result.Entries!.map((entry) => entry.EventId!);
    expect(queuesOf(reserved!)).toEqual(['order-status-projector', 'payment-process']);
    expect(queuesOf(failed!)).toEqual(['order-finalize', 'order-status-projector']);
    expect(queuesOf(release!)).toEqual(['inventory-release', 'order-status-projector']);
  });

  it('reports bad entries per entry, as AWS does, and still publishes the good ones', async () => {
    const good = toPutEventsEntry(sampleEvent('order.completed'));
    const entries: PutEventsRequestEntry[] = [
      { ...good, Detail: '[1, 2]' },
      { ...good, Detail: '{"unterminated": ' },
      { ...good, Source: undefined },
      { ...good, Source: 'aws.ec2' },
      { ...good, EventBusName: 'no-such-bus' },
      good,
    ];
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries!.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'NotAuthorizedForSourceException',
      'ResourceNotFoundException',
      'ok',
    ]);
    expect(result.Entries![2]!.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    await bus.idle();
    // order.completed has three subscribers: inventory-release (commits the stock), the status projector and the notification sender.
    const id = result.Entries![5]!.EventId;
    expect(delivered.map((entry) => [entry.target.queue, entry.event.id])).toEqual([
      ['inventory-release', id],
      ['order-status-projector', id],
      ['notification-send', id],
    ]);
  });

  it('accepts events for the default bus without routing them to the saga rules', async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [{ ...toPutEventsEntry(sampleEvent('order.created')), EventBusName: undefined }] }));
    expect(result.FailedEntryCount).toBe(0);
    await bus.idle();
    expect(delivered).toEqual([]);
  });

  it('refuses more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => toPutEventsEntry(sampleEvent('order.completed')));
    const error = await rejection(client.send(new PutEventsCommand({ Entries: entries })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('less than or equal to 10');
  });

  it('refuses a request whose entries add up to more than 256 KB, and accepts exactly 256 KB', async () => {
    const base = { Source: 'records.orders', DetailType: 'order.completed', EventBusName: bus.busName };
    const overhead = Buffer.byteLength(base.Source) + Buffer.byteLength(base.DetailType) + '{"pad":""}'.length;
    const padded = (bytes: number) => ({ ...base, Detail: JSON.stringify({ pad: 'x'.repeat(bytes - overhead) }) });
    const atLimit = await client.send(new PutEventsCommand({ Entries: [padded(128 * 1024), padded(128 * 1024)] }));
    expect(atLimit.FailedEntryCount).toBe(0);
    const error = await rejection(client.send(new PutEventsCommand({ Entries: [padded(128 * 1024), padded(128 * 1024 + 1)] })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Total size of the entries in the request is over the limit.');
  });

  it('retries a failing delivery and records it after the last attempt', async () => {
    let calls = 0;
    bus.setDeliver(async (target, event) => {
      calls++;
      if (target.queue === 'order-status-projector') throw new Error('queue down');
      delivered.push({ target, event });
    });
    const before = bus.failedDeliveries.length;
    const result = await client.send(new PutEventsCommand({ Entries: [toPutEventsEntry(sampleEvent('inventory.released'))] }));
    await bus.idle();
    expect(calls).toBe(3);
    expect(bus.failedDeliveries.slice(before).map((failure) => [failure.target.queue, failure.event.id])).toEqual([
      ['order-status-projector', result.Entries![0]!.EventId],
    ]);
  });
});

describe('local EventBridge bus: rules and patterns', () => {
  const event = JSON.stringify({
    id: '1',
    account: '000000000000',
    source: 'records.payments',
    time: '2026-12-02T14:00:00Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'payment.failed',
    detail: { data: { reason: 'declined' } },
  });

  it('answers TestEventPattern as AWS does', async () => {
    const yes = await client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"data":{"reason":[{"prefix":"decl"}]}}}', Event: event }));
    const no = await client.send(new TestEventPatternCommand({ EventPattern: '{"source":[{"anything-but":"records.payments"}]}', Event: event }));
    expect([yes.Result, no.Result]).toEqual([true, false]);
  });

  it('refuses an invalid pattern with InvalidEventPatternException', async () => {
    const error = await rejection(client.send(new TestEventPatternCommand({ EventPattern: '{"source":[{"prefixx":"records."}]}', Event: event })));
    expect(error.name).toBe('InvalidEventPatternException');
    expect(error.message).toContain('Unrecognized match type prefixx');
  });

  it('refuses a test event without the mandatory fields with a ValidationException', async () => {
    const error = await rejection(client.send(new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: '{"source":"x"}' })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('id, account, time, region, resources, detail-type');
  });

  it('lists the declared rules with their patterns, by prefix and page', async () => {
    const all = await client.send(new ListRulesCommand({ EventBusName: bus.busName }));
    expect(all.Rules!.map((rule) => rule.Name)).toEqual(eventRules.map((rule) => rule.consumer));
    for (const rule of all.Rules!) {
      expect(JSON.parse(rule.EventPattern!)).toEqual(eventRules.find((declared) => declared.consumer === rule.Name)!.eventPattern);
      expect(rule).toMatchObject({
        State: 'ENABLED',
        EventBusName: bus.busName,
        Arn: `arn:aws:events:us-east-1:000000000000:rule/${bus.busName}/${rule.Name}`,
      });
    }
    const inventory = await client.send(new ListRulesCommand({ EventBusName: bus.busName, NamePrefix: 'inventory-' }));
    expect(inventory.Rules!.map((rule) => rule.Name)).toEqual(['inventory-reserve', 'inventory-release']);
    const first = await client.send(new ListRulesCommand({ EventBusName: bus.busName, Limit: 2 }));
    const second = await client.send(new ListRulesCommand({ EventBusName: bus.busName, Limit: 2, NextToken: first.NextToken }));
    expect([...first.Rules!, ...second.Rules!].map((rule) => rule.Name)).toEqual(eventRules.slice(0, 4).map((rule) => rule.consumer));
    const missing = await rejection(client.send(new ListRulesCommand({ EventBusName: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('describes the bus and each rule target (the consumer queue)', async () => {
    const described = await client.send(new DescribeEventBusCommand({ Name: bus.busName }));
    expect(described).toMatchObject({ Name: bus.busName, Arn: bus.busArn });
    const targets = await client.send(new ListTargetsByRuleCommand({ Rule: 'payment-process', EventBusName: bus.busName }));
    expect(targets.Targets).toEqual([{ Id: 'payment-process', Arn: 'arn:aws:sqs:us-east-1:000000000000:payment-process' }]);
  });
});

describe('local EventBridge bus: the AWS CLI', () => {
  const run = promisify(execFile);
  let cli: string | undefined;
  beforeAll(async () => {
    cli = await run('aws', ['--version']).then(
      () => 'aws',
      () => undefined,
    );
    if (!cli) console.warn('SKIPPED: the AWS CLI (`aws`) is not installed, so the CLI checks of the local bus did not run.');
  });
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
  };
  const event = JSON.stringify({
    id: '1',
    account: '1',
    source: 'records.orders',
    time: '2026-12-02T14:00:00Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'order.created',
    detail: {},
  });
  const testPattern = (pattern: string) =>
    run('aws', ['events', 'test-event-pattern', '--endpoint-url', bus.url, '--event-pattern', pattern, '--event', event, '--output', 'json'], {
      env,
      timeout: 30_000,
    });

  // The CLI (Python) starts slowly on a busy machine.
  it('answers aws events test-event-pattern with the match result', { timeout: 90_000 }, async (context) => {
    if (!cli) return context.skip();
    const [yes, no] = await Promise.all([testPattern('{"source":[{"prefix":"records."}]}'), testPattern('{"detail-type":["order.completed"]}')]);
    expect(JSON.parse(yes.stdout)).toEqual({ Result: true });
    expect(JSON.parse(no.stdout)).toEqual({ Result: false });
  });

  it('makes the CLI report InvalidEventPatternException for an invalid pattern', { timeout: 90_000 }, async (context) => {
    if (!cli) return context.skip();
    const failure = await testPattern('{"source":[{"numeric":[">",5,"<",1]}]}').then(
      () => undefined,
      (error: { stderr: string; code: number }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toContain(
      'An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: Event pattern is not valid. Reason: Bottom must be less than top',
    );
  });
});
