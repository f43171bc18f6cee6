import type { TableAction } from '../entity/entity-functions.js';
import type { TableDesign } from '../store/dynamodb/table-design.js';

/**
 * Attribute names of the Powertools DynamoDB persistence layer (its defaults, stated once):
 * the table design and `idempotencyPersistence` both read them, so the partition key CDK and
 * the local run create is the one the persistence layer writes.
 */
export const IDEMPOTENCY_ATTRIBUTES = {
  /** Partition key: `<consumer>#<md5 of the envelope id>`. */
  keyAttr: 'id',
  /** Epoch seconds after which the record is dead weight: the table's TTL attribute. */
  expiryAttr: 'expiration',
  /** Epoch ms after which an INPROGRESS record (a crashed invocation) may be taken over. */
  inProgressExpiryAttr: 'in_progress_expiration',
  statusAttr: 'status',
  dataAttr: 'data',
  validationKeyAttr: 'validation',
} as const;

/**
 * THE idempotency table of the saga consumers (Powertools persistence): one item per
 * (consumer, event id) with its status and stored result, deleted by TTL after
 * `expiration`. Shared by every consumer: the key prefix keeps their records apart.
 */
export const idempotencyTable: TableDesign = {
  id: 'idempotency',
  envVar: 'IDEMPOTENCY_TABLE_NAME',
  partitionKey: IDEMPOTENCY_ATTRIBUTES.keyAttr,
  indexes: [],
  timeToLiveAttribute: IDEMPOTENCY_ATTRIBUTES.expiryAttr,
};

/** The grant every consumer Lambda needs on it (Powertools gets, puts, updates and deletes records). */
export const idempotencyTableGrant: { table: string; actions: TableAction[] } = {
  table: idempotencyTable.id,
  actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
};
