import { PK, type TableDesign } from '../store/dynamodb/table-design.js';

/** Epoch seconds after which a revocation item is dead weight; DynamoDB TTL deletes it. */
export const REVOCATION_EXPIRY_ATTR = 'expires_at';

/**
 * THE revocations table, the record of truth of revoked credentials: one item per handle
 * (`pk` = jti or `api-key:<id>`) with its expiry, deleted by TTL once the credential would
 * have expired anyway. Durable, unlike an evicting cache: a revocation cannot be pushed out
 * by memory pressure. CDK and the local table creation both build it from this design.
 */
export const revocationsTable: TableDesign = {
  id: 'revocations',
  envVar: 'REVOCATIONS_TABLE_NAME',
  partitionKey: PK,
  indexes: [],
  timeToLiveAttribute: REVOCATION_EXPIRY_ATTR,
};
