import { containerCache } from '../cache/container-cache.js';
import { requiredEnv } from '../runtime/required-env.js';
import { CursorCodec } from '../cursor/cursor-codec.js';
import { loadCursorSecret } from '../cursor/cursor-secret.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../store/dynamodb/dynamodb-entity-store.js';
import { metrics } from '../powertools/metrics.js';
import { tracer } from '../powertools/tracer.js';
import type { Entity } from './define-entity.js';
import { createEntityService, type EntityService } from './entity-service.js';
import { createMatchedWrites } from './matched-writes.js';
import { tableDesign } from '../store/dynamodb/table-design.js';
import { outboxTable } from '../events/outbox.table.js';
import { runQuery } from '../query/query-executor.js';
import { createQueryService, type QueryService } from '../query/query-service.js';
import { type BulkService, createBulkService } from '../query/bulk-service.js';

// Its callers (admin endpoints, other containers) import it from here as before.
export { containerCache } from '../cache/container-cache.js';

const services = new Map<string, EntityService>();

/**
 * Builds an entity's service once per container (cold start): the DynamoDB adapter for its
 * table (name from `<ENTITY>_TABLE_NAME`), the cursor codec and the container's cache. Tests
 * build services directly with `createEntityService` and their own ports.
 */
export function entityService(entity: Entity, env: NodeJS.ProcessEnv = process.env): EntityService {
  let service = services.get(entity.name);
  if (!service) {
    const { client, tableName, cursors, outbox } = tableAccess(entity, env);
    service = createEntityService(entity, {
      store: new DynamoDbEntityStore(entity, client, tableName, outbox),
      cursors,
      cache: containerCache(env),
      metrics,
    });
    services.set(entity.name, service);
  }
  return service;
}

const queryServices = new Map<string, QueryService>();

/**
 * The `where` query of an entity, built once per container: the query executor over the
 * entity's table, the cursor codec, and the read budget / scan parallelism from
 * `QUERY_READ_BUDGET` (default 1000 items a page may read) and `QUERY_SCAN_SEGMENTS` (default 4).
 */
export function entityQueryService(entity: Entity, env: NodeJS.ProcessEnv = process.env): QueryService {
  let service = queryServices.get(entity.name);
  if (!service) {
    const { client, tableName, cursors } = tableAccess(entity, env);
    service = createQueryService(entity, {
      run: (where, options) => runQuery(entity, client, tableName, where, options),
      cursors,
      readBudget: positiveInt(env.QUERY_READ_BUDGET, 1_000, 'QUERY_READ_BUDGET'),
      segments: positiveInt(env.QUERY_SCAN_SEGMENTS, 4, 'QUERY_SCAN_SEGMENTS'),
    });
    queryServices.set(entity.name, service);
  }
  return service;
}

const bulkServices = new Map<string, BulkService>();

/**
 * Bulk update/delete of an entity, built once per container: the query executor finds the
 * matches (`QUERY_READ_BUDGET` per page, `BULK_READ_BUDGET` per call, default 10,000 items;
 * `QUERY_SCAN_SEGMENTS`), the entity's conditional writes apply them (`BULK_WRITE_CONCURRENCY`, default 8).
 */
export function entityBulkService(entity: Entity, env: NodeJS.ProcessEnv = process.env): BulkService {
  let service = bulkServices.get(entity.name);
  if (!service) {
    const { client, tableName, cursors, outbox } = tableAccess(entity, env);
    service = createBulkService(entity, {
      run: (where, options) => runQuery(entity, client, tableName, where, options),
      cursors,
      writer: createMatchedWrites(entity, { store: new DynamoDbEntityStore(entity, client, tableName, outbox), cache: containerCache(env), metrics }),
      readBudget: positiveInt(env.QUERY_READ_BUDGET, 1_000, 'QUERY_READ_BUDGET'),
      callReadBudget: positiveInt(env.BULK_READ_BUDGET, 10_000, 'BULK_READ_BUDGET'),
      segments: positiveInt(env.QUERY_SCAN_SEGMENTS, 4, 'QUERY_SCAN_SEGMENTS'),
      concurrency: positiveInt(env.BULK_WRITE_CONCURRENCY, 8, 'BULK_WRITE_CONCURRENCY'),
    });
    bulkServices.set(entity.name, service);
  }
  return service;
}

/**
 * An entity's table (`<ENTITY>_TABLE_NAME`), a traced DocumentClient, the lazily loaded cursor
 * codec and the outbox table (`OUTBOX_TABLE_NAME`; only the writers of an entity with events get
 * it, and their writes fail without it).
 */
function tableAccess(entity: Entity, env: NodeJS.ProcessEnv) {
  const tableName = requiredEnv(env, tableDesign(entity).envVar);
  const client = tracer.captureAWSv3Client(createDocumentClient(env));
  let codec: Promise<CursorCodec> | undefined;
  const cursors = () => (codec ??= loadCursorSecret(env).then((secret) => new CursorCodec(secret)));
  return { client, tableName, cursors, outbox: env[outboxTable.envVar] ?? '' };
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number`);
  return value;
}
