import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbRevocationList } from '../store/dynamodb/dynamodb-revocation-list.js';
import { tracer } from '../powertools/tracer.js';
import { CachedRevocationList, REVOCATION_CACHE_MS } from './cached-revocation-list.js';
import type { RevocationList } from './revocation-list.js';
import { revocationsTable } from './revocations.table.js';

let revocations: RevocationList | undefined;

/**
 * The revocation list of this container: the revocations table (`REVOCATIONS_TABLE_NAME`) as
 * the record of truth, behind a short in-container cache (`AUTH_REVOCATION_CACHE_MS`, default 1 s).
 */
export function revocationList(env: NodeJS.ProcessEnv = process.env): RevocationList {
  if (!revocations) {
    const tableName = env[revocationsTable.envVar];
    if (!tableName) throw new Error(`${revocationsTable.envVar} is not set`);
    const durable = new DynamoDbRevocationList(tracer.captureAWSv3Client(createDocumentClient(env)), tableName);
    const cacheMs = env.AUTH_REVOCATION_CACHE_MS === undefined ? REVOCATION_CACHE_MS : Number(env.AUTH_REVOCATION_CACHE_MS);
    if (!Number.isFinite(cacheMs) || cacheMs < 0) throw new Error(`AUTH_REVOCATION_CACHE_MS must be a number of milliseconds ≥ 0`);
    revocations = new CachedRevocationList(durable, cacheMs);
  }
  return revocations;
}
