import { type DomainEvent, domainEvent } from '../../events/catalog.js';
import { PUT_EVENTS_MAX_BYTES, putEventsEntrySize, toPutEventsEntry } from '../../events/put-events-entry.js';
import { PK } from '../store/dynamodb/table-design.js';
import { OutboxEventTooLargeError } from './outbox.errors.js';
import { OUTBOX_RETENTION_SECONDS } from './outbox.table.js';

/** One outbox row, exactly what shared/events/outbox-publisher.ts reads from the stream's NewImage. */
export interface OutboxRecord {
  /** The envelope id: one row per event, a second write of the same event fails its condition. */
  pk: string;
  /** The whole envelope as JSON: the PutEvents `Detail`, verbatim. */
  event: string;
  /** Epoch seconds: `occurred_at` + 7 days, when DynamoDB TTL removes the row. */
  expires_at: number;
}

/** A TransactWriteItems `Put` in the DocumentClient shape (what the stores send), without importing the SDK. */
export interface OutboxPut {
  Put: {
    TableName: string;
    Item: OutboxRecord;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
  };
}

/**
 * The outbox row of one envelope. The envelope is validated here, and its PutEvents entry
 * measured as EventBridge measures it: an event that could never be published must fail the
 * transaction that causes it, not block the stream shard later.
 * @throws ZodError for an envelope that is not a valid domain event (a bug in the caller)
 * @throws OutboxEventTooLargeError when the entry would exceed 256 KB
 */
export function outboxRecord(envelope: DomainEvent): OutboxRecord {
  const event = domainEvent.parse(envelope);
  const entry = toPutEventsEntry(event);
  const bytes = putEventsEntrySize(entry);
  if (bytes > PUT_EVENTS_MAX_BYTES) throw new OutboxEventTooLargeError(event.type, event.id, bytes, PUT_EVENTS_MAX_BYTES);
  return { pk: event.id, event: entry.Detail, expires_at: Math.floor(Date.parse(event.occurred_at) / 1000) + OUTBOX_RETENTION_SECONDS };
}

/**
 * The outbox row as one item of the state change's TransactWriteItems; `attribute_not_exists(pk)`
 * makes a retried write of the same event cancel the transaction instead of publishing it twice.
 */
export function outboxPut(envelope: DomainEvent, tableName: string): OutboxPut {
  return {
    Put: { TableName: tableName, Item: outboxRecord(envelope), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } },
  };
}
