import type { EntityCache } from '../../cache/entity-cache.js';
import { outboxTable } from '../../events/outbox.table.js';
import { tracer } from '../../powertools/tracer.js';
import { requiredEnv } from '../../runtime/required-env.js';
import { createDocumentClient } from '../../store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbImportJobStore } from '../../store/dynamodb/dynamodb-import-job-store.js';
import { DynamoDbImportSink } from '../../store/dynamodb/dynamodb-import-sink.js';
import { tableDesign } from '../../store/dynamodb/table-design.js';
import type { Entity } from '../../entity/define-entity.js';
import { lazyS3Client } from '../s3/s3-client.js';
import { importJobsTable } from './import-jobs.table.js';
import { queueUrlEnvVar } from '../../events/queues.js';
import { DynamoDbImportChunkStore } from '../../store/dynamodb/dynamodb-import-chunk-store.js';
import type { ChunkQueue } from './import-chunk.js';
import { fanOutSettings, IMPORT_CHUNKS_QUEUE } from './fan-out.js';
import { cacheInvalidatingSink } from './cache-invalidating-sink.js';

let built: ReturnType<typeof build> | undefined;

function build(entities: readonly Entity[], env: NodeJS.ProcessEnv) {
  const cache = lazyContainerCache(env);
  const client = tracer.captureAWSv3Client(createDocumentClient(env));
  const stores = new Map(
    entities.map((entity) => {
      const design = tableDesign(entity);
      const tableName = env[design.envVar] ?? '';
      return [entity.name, { entity, design, tableName, store: new DynamoDbEntityStore(entity, client, tableName) }] as const;
    }),
  );
  const of = (name: string) => {
    const found = stores.get(name);
    if (!found?.tableName) throw new Error(`no table for entity '${name}'`);
    return found;
  };
  const jobsTable = requiredEnv(env, importJobsTable.envVar);
  const counterTable = (name: string) => of(name);
  // Fan-out needs the chunk queue: a function without its URL runs every file itself.
  const chunkQueueUrl = env[queueUrlEnvVar({ name: IMPORT_CHUNKS_QUEUE })];
  const chunks = new DynamoDbImportChunkStore(client, jobsTable, counterTable);
  return {
    // Loaded by the first presigned link or object read: the import API functions sign one per
    // request at most, a direct import (bulk-import) never reaches S3.
    s3: lazyS3Client(env),
    bucket: env.IMPORTS_BUCKET,
    // Only a job's end writes the outbox (import.completed, in the transaction of its final state).
    jobs: new DynamoDbImportJobStore(client, jobsTable, counterTable, env[outboxTable.envVar] ?? ''),
    chunks,
    fanOut: chunkQueueUrl ? { chunks, queue: lazySqsChunkQueue(chunkQueueUrl), settings: fanOutSettings(env) } : undefined,
    sink: (entity: Entity) => {
      const { store, tableName } = of(entity.name);
      const sink = new DynamoDbImportSink(entity, store, client, tableName);
      // Imported items invalidate the read cache as CRUD writes do.
      return entity.cache ? cacheInvalidatingSink(sink, entity, cache) : sink;
    },
  };
}

/**
 * The container's cache (none without REDIS_URL), its code loaded by the first batch: the
 * import API functions build this container too and never write an item.
 */
function lazyContainerCache(env: NodeJS.ProcessEnv): () => Promise<EntityCache | undefined> {
  let cache: Promise<EntityCache | undefined> | undefined;
  return () => (cache ??= import('../../cache/container-cache.js').then(({ containerCache }) => containerCache(env)));
}

/**
 * The SQS chunk queue, its client (~25 ms of CPU to import) loaded by the first send: the import
 * API functions build this container too and never fan out.
 */
function lazySqsChunkQueue(queueUrl: string): ChunkQueue {
  let queue: Promise<ChunkQueue> | undefined;
  const load = async () => {
    const [{ SQSClient }, { sqsChunkQueue }] = await Promise.all([import('@aws-sdk/client-sqs'), import('../sqs/sqs-chunk-queue.js')]);
    return sqsChunkQueue(tracer.captureAWSv3Client(new SQSClient({})), queueUrl);
  };
  return { send: async (messages) => (await (queue ??= load())).send(messages) };
}

/** The import's adapters, built once per container from the environment. */
export function importJobContainer(entities: readonly Entity[], env: NodeJS.ProcessEnv = process.env) {
  built ??= build(entities, env);
  return built;
}
