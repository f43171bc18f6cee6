import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { publishOutbox } from './outbox-publisher.js';

const eb = mockClient(EventBridgeClient);
afterEach(() => eb.reset());

function envelope(n: number) {
  return sampleEvent('order.cancelled', { id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });
}
function streamEvent(count: number, eventName: 'INSERT' | 'REMOVE' = 'INSERT'): DynamoDBStreamEvent {
  return {
    Records: Array.from({ length: count }, (_, i) => ({
      eventName,
      dynamodb: { SequenceNumber: String(100 + i), NewImage: marshall({ pk: `e${i}`, event: JSON.stringify(envelope(i)) }) as never },
    })),
  };
}
const options = () => ({ client: new EventBridgeClient({ region: 'us-east-1' }), eventBusName: 'bus', baseDelayMs: 1 });

describe('publishOutbox', () => {
  it('publishes each INSERT once, in chunks of at most 10', async () => {
    eb.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `id${i}` })) }));
    const result = await publishOutbox(streamEvent(23), options());
    expect(result.batchItemFailures).toEqual([]);
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls.flatMap((call) => call.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).id))).toEqual(
      Array.from({ length: 23 }, (_, i) => envelope(i).id),
    );
    expect(calls[0]!.args[0].input.Entries![0]).toMatchObject({ EventBusName: 'bus', DetailType: 'order.cancelled' });
  });

  it('ignores REMOVE records (TTL expiry)', async () => {
    const result = await publishOutbox(streamEvent(3, 'REMOVE'), options());
    expect(result.batchItemFailures).toEqual([]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('skips a row that is not a valid event instead of blocking the shard behind it', async () => {
    eb.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    const event = streamEvent(3);
    event.Records[0]!.dynamodb!.NewImage = marshall({ pk: 'bad-json', event: '{not json' }) as never;
    event.Records[1]!.dynamodb!.NewImage = marshall({ pk: 'bad-type', event: JSON.stringify({ ...envelope(1), type: 'order.nonsense' }) }) as never;
    const result = await publishOutbox(event, options());
    expect(result.batchItemFailures).toEqual([]);
    const sent = eb.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).id));
    expect(sent).toEqual([envelope(2).id]);
  });

  it('retries only the entry that failed, then succeeds', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const result = await publishOutbox(streamEvent(3), options());
    expect(result.batchItemFailures).toEqual([]);
    const retried = eb.commandCalls(PutEventsCommand)[1]!.args[0].input.Entries!;
    expect(retried.map((e) => JSON.parse(e.Detail!).id)).toEqual([envelope(1).id]);
  });

  it('reports what still fails after the attempts as batch item failures', async () => {
    eb.on(PutEventsCommand).rejects(new Error('bus down'));
    const result = await publishOutbox(streamEvent(2), { ...options(), maxAttempts: 2 });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '100' }, { itemIdentifier: '101' }]);
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(2);
  });
});
