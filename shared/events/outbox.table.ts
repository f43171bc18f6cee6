import { PK, type TableDesign } from '../store/dynamodb/table-design.js';

/** The attribute DynamoDB TTL reads (epoch seconds). */
export const OUTBOX_EXPIRES_AT = 'expires_at';

/**
 * How long a published row stays. The stream keeps records for 24 h, so the row itself is only
 * evidence (what was published, when): a week covers a weekend's incident review.
 */
export const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * THE outbox table: one item per domain event (`pk` = envelope id), written in the same
 * TransactWriteItems as the state change that causes it (see {@link outboxPut}). Its stream
 * (NEW_IMAGE: the envelope is all the publisher needs) feeds the outbox publisher
 * (shared/events/stream-sources.ts); TTL removes rows a week later, and the publisher ignores
 * those REMOVE records. Nothing queries it: no indexes.
 */
export const outboxTable: TableDesign = {
  id: 'outbox',
  envVar: 'OUTBOX_TABLE_NAME',
  partitionKey: PK,
  indexes: [],
  timeToLiveAttribute: OUTBOX_EXPIRES_AT,
  stream: 'NEW_IMAGE',
};
