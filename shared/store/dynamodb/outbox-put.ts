import type { DomainEvent } from '../../../events/catalog.js';
import { PK } from './table-design.js';

/** Id and env var of the outbox table (declared by the outbox table design; these must match it). */
export const OUTBOX_TABLE_ID = 'outbox';
export const OUTBOX_TABLE_ENV = 'OUTBOX_TABLE_NAME';
/** Outbox rows are evidence only once published: TTL removes them a week after the event. */
const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * The TransactWriteItems `Put` of one event's outbox row, in the shape the outbox publisher
 * reads from the table's stream (`shared/events/outbox-publisher.ts`): `pk` = envelope id,
 * `event` = the envelope as JSON, `expires_at` for TTL. The condition makes a reused event id
 * cancel the whole transaction instead of replacing a row.
 * The single place in the orders code that knows the row shape: swap it for the shared
 * `outboxPut(envelope, tableName)` of shared/events/outbox-record.ts (same signature).
 */
export function outboxPut(envelope: DomainEvent, tableName: string) {
  return {
    Put: {
      TableName: tableName,
      Item: { [PK]: envelope.id, event: JSON.stringify(envelope), expires_at: Math.floor(Date.parse(envelope.occurred_at) / 1000) + OUTBOX_RETENTION_SECONDS },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': PK },
    },
  };
}
