import { randomBytes } from 'node:crypto';
import { DeleteRuleCommand, type EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';

/** What one tailed event prints: the EventBridge fields plus the envelope's ids. */
export interface TailedEvent {
  time: string;
  type: string;
  source: string;
  /** EventBridge's event id. */
  id: string;
  /** The envelope's own id (what consumers deduplicate on). */
  eventId?: string;
  correlationId?: string;
  causationId?: string | null;
  /** `order_id`, `import_id` or `sku` of the envelope's data, when it has one. */
  subject?: string;
}

export interface TailOptions {
  events: EventBridgeClient;
  sqs: SQSClient;
  busName: string;
  /** Only these detail-types (EventBridge pattern on `detail-type`); all `records.*` events when empty. */
  types?: readonly string[];
  /** Only events whose envelope correlation_id is this one. */
  correlationId?: string;
  /** Stop after this many events. */
  count?: number;
  /** Aborting stops the tail and removes the rule and queue. */
  signal?: AbortSignal;
  /** Seconds of one ReceiveMessage long poll. @default 5 */
  waitSeconds?: number;
  onReady?: (where: { rule: string; queueUrl: string }) => void;
  onEvent: (event: TailedEvent) => void;
}

/**
 * `npm run events:tail`'s mechanism, the same against the local bus and a deployed one: a
 * temporary rule on the bus (all `records.*` sources, or the given detail-types) with a
 * temporary SQS queue as target, long-polled until stopped; the rule, its target and the queue
 * are removed on the way out whatever happened. In AWS the queue's policy lets only that rule
 * send to it; messages expire after 5 minutes if the tail dies without cleaning up.
 */
export async function tailEvents(options: TailOptions): Promise<number> {
  const name = `events-tail-${randomBytes(4).toString('hex')}`;
  const pattern: Record<string, unknown> = { source: [{ prefix: 'records.' }] };
  if (options.types?.length) pattern['detail-type'] = [...options.types];
  if (options.correlationId) pattern.detail = { correlation_id: [options.correlationId] };

  const { QueueUrl: queueUrl } = await options.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: '300' } }));
  let ruleArn: string | undefined;
  let targeted = false;
  let seen = 0;
  try {
    const attributes = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = attributes.Attributes!.QueueArn!;
    ({ RuleArn: ruleArn } = await options.events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: options.busName,
        EventPattern: JSON.stringify(pattern),
        Description: 'Temporary rule of npm run events:tail',
        State: 'ENABLED',
      }),
    ));
    await options.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(queuePolicy(queueArn, ruleArn!)) } }));
    const put = await options.events.send(new PutTargetsCommand({ Rule: name, EventBusName: options.busName, Targets: [{ Id: 'tail', Arn: queueArn }] }));
    if (put.FailedEntryCount) throw new Error(`PutTargets refused the queue: ${put.FailedEntries?.[0]?.ErrorMessage}`);
    targeted = true;
    options.onReady?.({ rule: name, queueUrl: queueUrl! });

    while (!options.signal?.aborted && (options.count === undefined || seen < options.count)) {
      const received = await options.sqs
        .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: options.waitSeconds ?? 5 }), {
          abortSignal: options.signal,
        })
        .catch((error: Error) => {
          if (options.signal?.aborted) return { Messages: [] };
          throw error;
        });
      const messages = received.Messages ?? [];
      const events = messages.map((message) => tailedEvent(message.Body ?? '')).sort((a, b) => a.time.localeCompare(b.time));
      for (const event of events) {
        if (options.count !== undefined && seen >= options.count) break;
        seen++;
        options.onEvent(event);
      }
      if (messages.length > 0) {
        await options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
    }
    return seen;
  } finally {
    // Best effort, in the order EventBridge requires (a rule with targets cannot be deleted).
    if (targeted) await options.events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: options.busName, Ids: ['tail'] })).catch(() => undefined);
    if (ruleArn) await options.events.send(new DeleteRuleCommand({ Name: name, EventBusName: options.busName })).catch(() => undefined);
    await options.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  }
}

/** Only the tail's own rule may send to its queue (what an EventBridge → SQS target needs in AWS). */
function queuePolicy(queueArn: string, ruleArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

/** The printable fields of an EventBridge event delivered to SQS (a body that is not one still prints). */
export function tailedEvent(body: string): TailedEvent {
  // biome-ignore lint/suspicious/noExplicitAny: any JSON may arrive on the tail queue; every field read is checked for its type below.
  let event: Record<string, any>;
  try {
    event = JSON.parse(body);
  } catch {
    return { time: new Date().toISOString(), type: '(not JSON)', source: '?', id: '?' };
  }
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const data = (detail.data ?? {}) as Record<string, unknown>;
  const subject = ['order_id', 'import_id', 'sku'].map((key) => data[key]).find((value) => typeof value === 'string') as string | undefined;
  return {
    time: String(detail.occurred_at ?? event.time ?? ''),
    type: String(event['detail-type'] ?? '?'),
    source: String(event.source ?? '?'),
    id: String(event.id ?? '?'),
    ...(typeof detail.id === 'string' ? { eventId: detail.id } : {}),
    ...(typeof detail.correlation_id === 'string' ? { correlationId: detail.correlation_id } : {}),
    ...('causation_id' in detail ? { causationId: detail.causation_id as string | null } : {}),
    ...(subject ? { subject } : {}),
  };
}

/** One line per event: time, type, subject, envelope id, correlation and causation ids. */
export function formatTailed(event: TailedEvent): string {
  return [
    event.time,
    event.type.padEnd(28),
    (event.subject ?? '-').padEnd(30),
    `id=${event.eventId ?? event.id}`,
    `correlation=${event.correlationId ?? '-'}`,
    `causation=${event.causationId ?? '-'}`,
  ].join('  ');
}
