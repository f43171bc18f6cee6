import type { SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { eventCatalog, type EventEnvelope, type EventType } from '../../events/catalog.js';
import { PoisonMessageError, type PoisonProblem } from './consumer.errors.js';

/**
 * The EventBridge event an SQS target receives as its message body (rule → queue): the
 * envelope is its `detail`. Only the fields a consumer relies on are checked.
 */
const eventBridgeEvent = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.string().check(z.minLength(1)),
  source: z.string().check(z.minLength(1)),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

/** What the consumer learned from one SQS record, handed to its effect beside the envelope. */
export interface ConsumedMessage {
  messageId: string;
  /** SQS ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** The EventBridge event id (one per PutEvents entry; a re-publish gets a new one). */
  eventBridgeId: string;
}

/**
 * The envelope in an SQS record delivered by an EventBridge rule, validated against the
 * catalog schema of its type, which must be one of `accepted`. The EventBridge
 * `detail-type`/`source` must agree with the envelope. Anything else is poison.
 */
export function consumedEvent<Type extends EventType>(
  record: SQSRecord,
  accepted: readonly Type[],
): { envelope: EventEnvelope<Type>; message: ConsumedMessage } {
  const poison = (problem: PoisonProblem) => new PoisonMessageError(record.messageId, problem);
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw poison({ part: 'body', issues: ['body: not JSON'] });
  }
  const event = eventBridgeEvent.safeParse(body);
  if (!event.success) throw poison({ part: 'event', issues: issuesOf(event.error.issues) });
  const type = event.data['detail-type'] as Type;
  if (!accepted.includes(type) || event.data.source !== eventCatalog[type].source) {
    throw poison({ part: 'type', issues: [`detail-type: '${type.slice(0, 64)}' from '${event.data.source.slice(0, 64)}' is not handled here`] });
  }
  const envelope = eventCatalog[type].envelope.safeParse(event.data.detail);
  if (!envelope.success) throw poison({ part: 'envelope', issues: issuesOf(envelope.error.issues, 'detail') });
  return {
    envelope: envelope.data as EventEnvelope<Type>,
    message: { messageId: record.messageId, receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1, eventBridgeId: event.data.id },
  };
}

/** `path: message` per issue, without the offending values (they may be tokens or personal data). */
function issuesOf(issues: readonly z.core.$ZodIssue[], prefix?: string): string[] {
  return issues.slice(0, 10).map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`);
}
