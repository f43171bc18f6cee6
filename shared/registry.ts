import { adminFunctions } from './admin/admin-functions.js';
import { apiKeysTable } from './api-keys/api-keys.table.js';
import { revocationsTable } from './auth/revocations.table.js';
import { idempotencyTable, idempotencyTableGrant } from './consumers/idempotency.table.js';
import type { Entity } from './entity/define-entity.js';
import { analyticsFunctions } from './entity/analytics-functions.js';
import { bulkFunctions } from './entity/bulk-functions.js';
import {
  entityFunctions,
  type FunctionDeclaration,
  type LambdaDeclaration,
  NO_STORE,
  PRIVATE_REVALIDATE,
  type TableAction,
} from './entity/entity-functions.js';
import { outboxTable } from './events/outbox.table.js';
import { HEAVY_READ_THROTTLE } from './http/route-throttles.js';
import { XLSX_SCRATCH_MIB } from './import/import-limits.js';
import { importTrigger } from './import/import-trigger.js';
import { bulkImportFunctions, importFunctions } from './import/jobs/import-functions.js';
import { importJobsTable } from './import/jobs/import-jobs.table.js';
import { notificationsTable, notificationsTableGrant } from './notifications/notifications.table.js';
import { orderFunctions } from './orders/orders-functions.js';
import { ordersTable } from './orders/orders.table.js';
import { counterKey, type TableDesign, tableDesign } from './store/dynamodb/table-design.js';
import { productFunctions } from './products/products-functions.js';
import { products } from './products/products.entity.js';
import { students } from './students/students.entity.js';
import { tableApiFunctions } from './table-api/table-api-functions.js';
// npm run new:entity adds entity imports above this line (infra/ops/new-entity).

/**
 * Every entity of the platform. Routes (local gateway and CDK), tables, grants and OpenAPI
 * are derived from this list: adding an entity means adding its declaration here.
 */
export const entities: readonly Entity[] = [
  students,
  products,
  // npm run new:entity adds entities above this line.
];

/** The API description is the same for every caller and changes only with a deploy. */
const PUBLIC_DOCUMENT = 'public, max-age=300';

/** Routes that belong to no entity. */
const systemFunctions: FunctionDeclaration[] = [
  {
    id: 'system-health',
    entry: 'functions/system/health.ts',
    description: 'Liveness and dependency checks',
    routes: [{ method: 'GET', path: '/health' }],
    permission: 'public',
    // The probe reads the first counter shard only (DynamoDbEntityStore.ping).
    tables: entities.map((entity) => ({ table: entity.name, actions: ['GetItem'], leadingKeys: [counterKey(0)] })),
    cacheControl: NO_STORE,
  },
  {
    id: 'system-openapi',
    entry: 'functions/system/openapi.ts',
    description: 'OpenAPI document generated from the zod schemas',
    routes: [{ method: 'GET', path: '/openapi.json' }],
    permission: 'public',
    tables: [],
    cacheControl: PUBLIC_DOCUMENT,
  },
  {
    id: 'system-fallback',
    entry: 'functions/system/fallback.ts',
    description: 'Problem+json 404/405 for anything no route matched',
    routes: [],
    defaultRoute: true,
    permission: 'public',
    tables: [],
    cacheControl: NO_STORE,
  },
  {
    id: 'system-docs',
    entry: 'functions/system/docs.ts',
    description: 'Readable API documentation page',
    routes: [{ method: 'GET', path: '/docs' }],
    permission: 'public',
    tables: [],
    cacheControl: PUBLIC_DOCUMENT,
  },
];

/** Routes of the original system with their own answer shapes. */
const originalFunctions: FunctionDeclaration[] = [
  {
    id: 'students-score-distribution',
    entry: 'functions/students/score-distribution.ts',
    description: 'The original score-distribution chart: base64 PNG plus average scores',
    routes: [{ method: 'GET', path: '/api/v1/visualizations/score-distribution' }],
    permission: students.permissions.list,
    tables: [{ table: students.name, actions: ['Query', 'GetItem'] }],
    chartRendering: true,
    cacheControl: PRIVATE_REVALIDATE,
    throttle: HEAVY_READ_THROTTLE,
  },
];

/** Every Lambda function with its routes and grants. */
export const functions: readonly FunctionDeclaration[] = [
  ...entities.flatMap(entityFunctions),
  ...entities.flatMap(analyticsFunctions),
  ...entities.flatMap(bulkFunctions),
  ...originalFunctions,
  ...productFunctions,
  ...adminFunctions,
  ...importFunctions,
  ...entities.flatMap(bulkImportFunctions),
  ...orderFunctions,
  ...tableApiFunctions(entities),
  ...systemFunctions,
];

/**
 * The HTTP API's Lambda authorizer: runs before every route whose permission is not public,
 * identifies the caller (JWT or API key) and leaves enforcement to the function.
 */
export const authorizer: LambdaDeclaration = {
  id: 'auth-authorizer',
  entry: 'functions/auth/authorizer.ts',
  description: 'Identifies callers by JWT or API key for the HTTP API',
  tables: [
    { table: apiKeysTable.id, actions: ['GetItem'] },
    { table: revocationsTable.id, actions: ['GetItem'] },
  ],
  revocationList: true,
  identityProvider: true,
  // Keys come from the copier's secret, through the VPC endpoint: no route to the internet.
  jwksSecret: 'read',
};

/**
 * Outside the VPC, on a schedule: copies the identity provider's JWKS into the secret the
 * authorizer reads (shared/auth/jwks-copy.ts), so that nothing in the VPC needs the internet.
 */
export const jwksCopier: LambdaDeclaration = {
  id: 'auth-jwks-copier',
  entry: 'functions/auth/jwks-copier.ts',
  description: "Copies the identity provider's JWKS into the secret the authorizer reads",
  tables: [],
  jwksSecret: 'write',
  // The authorizer re-reads the copy every 5 minutes, and at once on an unknown kid.
  scheduleMinutes: 5,
  timeoutSeconds: 30,
};

/**
 * The S3 file-drop door: every object the import trigger selects becomes an import job.
 * Writes entity items through the bulk path and checkpoints (with counter deltas) in the jobs table.
 */
export const importFunction: LambdaDeclaration = {
  id: 'imports-on-object-created',
  entry: 'functions/imports/on-object-created.ts',
  description: 'Runs an import job for each file dropped under imports/{entity}/',
  tables: [
    ...entities
      .filter((entity) => entity.import)
      .map((entity) => ({ table: entity.name, actions: ['GetItem', 'BatchGetItem', 'BatchWriteItem', 'PutItem', 'UpdateItem'] as TableAction[] })),
    { table: importJobsTable.id, actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem'] },
    // import.completed goes in the same transaction as the job's final state.
    { table: outboxTable.id, actions: ['PutItem'] },
  ],
  // GetObjectVersion: the handler heads the exact version named in the event record (the bucket is versioned).
  // reports/: PutObject for segments and errors.csv; GetObject to walk and read the segment chain (HEAD + GET).
  buckets: [
    { bucket: importTrigger.bucket, actions: ['GetObject', 'GetObjectVersion'], prefixes: [importTrigger.prefix] },
    { bucket: importTrigger.bucket, actions: ['PutObject', 'GetObject'], prefixes: ['reports/'] },
  ],
  s3Trigger: importTrigger.bucket,
  // The first chunk of each lane of a fanned-out file (shared/import/jobs/fan-out.ts).
  sendsTo: ['import-chunks'],
  timeoutSeconds: 900,
  // The planner's count pass reads XLSX sheets that may wait on disk for their shared strings.
  scratchMiB: XLSX_SCRATCH_MIB,
};

/**
 * The transactional outbox's publisher: the outbox table's stream mapping (shared/events/stream-sources.ts)
 * invokes it with committed rows; it reads nothing else (the records carry the rows) and
 * publishes them with PutEvents. Its stream grant comes with the mapping, scoped to that stream.
 */
export const outboxPublisher: LambdaDeclaration = {
  id: 'outbox-publisher',
  entry: 'functions/events/outbox-publisher.ts',
  description: 'Publishes committed outbox rows to the domain event bus',
  tables: [],
  publishesEvents: true,
  // 100 records = 10 PutEvents calls, each retried up to 3 times with backoff: seconds, not minutes.
  timeoutSeconds: 30,
};

/** The `notification-send` consumer: claims each (event, channel) in the notifications table, then sends (docs/notifications.md). */
export const notificationSend: LambdaDeclaration = {
  id: 'notification-send',
  entry: 'functions/events/notification-send.ts',
  description: 'Tells the customer that an order completed or its payment failed',
  tables: [notificationsTableGrant, idempotencyTableGrant],
  featureFlags: true,
  sendsNotifications: true,
  // The queue's 60 s visibility must be ≥ 6× the consumer timeout (infra/constructs/event-queues.ts).
  timeoutSeconds: 10,
};

/** The `inventory-reserve` consumer (order.created): one transaction per step over products, the order, its reservation record and the outbox (docs/orders.md, "Inventory"). */
export const inventoryReserve: LambdaDeclaration = {
  id: 'inventory-reserve',
  entry: 'functions/events/inventory-reserve.ts',
  description: 'Reserves the stock of every line of a new order, or none',
  tables: [
    // UpdateItem: stock moves; BatchGetItem: the levels of a refused line, for its shortage.
    { table: products.name, actions: ['UpdateItem', 'BatchGetItem'] },
    // The order's status (GetItem, UpdateItem, ConditionCheckItem) and its reservation record (GetItem, PutItem).
    { table: ordersTable.id, actions: ['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem'] },
    { table: outboxTable.id, actions: ['PutItem'] },
    idempotencyTableGrant,
  ],
  // The queue's 60 s visibility must be ≥ 6× the consumer timeout (infra/constructs/event-queues.ts).
  timeoutSeconds: 10,
};

/** The `inventory-release` consumer (inventory.release_requested, order.completed): gives a reservation back, or commits it as sold, once per order. */
export const inventoryRelease: LambdaDeclaration = {
  id: 'inventory-release',
  entry: 'functions/events/inventory-release.ts',
  description: 'Gives the reserved stock of a failed or cancelled order back, or commits it as sold when the order completes; once',
  tables: [
    // BatchGetItem: tells a deleted product from an inconsistent one when a line is refused.
    { table: products.name, actions: ['UpdateItem', 'BatchGetItem'] },
    { table: ordersTable.id, actions: ['GetItem', 'PutItem'] },
    { table: outboxTable.id, actions: ['PutItem'] },
    idempotencyTableGrant,
  ],
  // The queue's 60 s visibility must be ≥ 6× the consumer timeout (infra/constructs/event-queues.ts).
  timeoutSeconds: 10,
};

/** Grants of a saga consumer that changes an order's status: conditional updates of the order, its events' outbox rows, its idempotency records. */
const sagaStatusTables = [
  { table: ordersTable.id, actions: ['GetItem', 'UpdateItem'] as TableAction[] },
  { table: outboxTable.id, actions: ['PutItem'] as TableAction[] },
  idempotencyTableGrant,
];

/** `payment-process` (inventory.reserved): charges the order once (docs/orders.md, "The saga"). Gateway: `PAYMENT_PROVIDER` (default `fake`). */
export const paymentProcess: LambdaDeclaration = {
  id: 'payment-process',
  entry: 'functions/events/payment-process.ts',
  description: 'Charges an order whose stock is reserved; paid + payment.succeeded or payment.failed',
  tables: sagaStatusTables,
  // A charge gives up within ~6.3 s (3 calls × 2 s + backoff), then one transaction; 10 s × 6 ≤ the queue's 60 s visibility.
  timeoutSeconds: 10,
};

/** `order-finalize`: the saga's end states and the stock-release request of a failed payment. */
export const orderFinalize: LambdaDeclaration = {
  id: 'order-finalize',
  entry: 'functions/events/order-finalize.ts',
  description: 'Moves an order to completed, rejected or payment_failed with its events',
  tables: sagaStatusTables,
  timeoutSeconds: 10,
};

/** `order-status-projector`: every saga event into its order's timeline, once per event id; never a status change. */
export const orderStatusProjector: LambdaDeclaration = {
  id: 'order-status-projector',
  entry: 'functions/events/order-status-projector.ts',
  description: "Records every saga event in its order's timeline",
  tables: [{ table: ordersTable.id, actions: ['GetItem', 'UpdateItem'] }, idempotencyTableGrant],
  timeoutSeconds: 10,
};

/**
 * The `import-chunks` consumer: imports one byte range of a fanned-out CSV per message,
 * checkpointing in the jobs table; the last chunk ends the job and writes its report.
 * CDK must also grant it (and `importFunction`) sqs:SendMessage on `import-chunks` and set
 * `IMPORT_CHUNKS_QUEUE_URL` (`EventQueues.grantSend`): each ended chunk sends the next chunk of
 * its lane. One of the event consumers (the Consumers nested stack).
 */
export const importWorker: LambdaDeclaration = {
  id: 'import-worker',
  entry: 'functions/imports/import-worker.ts',
  description: 'Imports one chunk of a large file dropped under imports/{entity}/',
  tables: [
    ...entities
      .filter((entity) => entity.import)
      .map((entity) => ({ table: entity.name, actions: ['BatchGetItem', 'BatchWriteItem', 'UpdateItem'] as TableAction[] })),
    { table: importJobsTable.id, actions: ['GetItem', 'UpdateItem', 'BatchGetItem'] },
    // The last chunk ends the job: import.completed goes in the same transaction as its final state.
    { table: outboxTable.id, actions: ['PutItem'] },
  ],
  // Range GETs of the object (pinned by ETag, not VersionId); its chunks' report segments, and the
  // report of the job it ends (reading every chunk's segment chain back: HEAD + GET).
  buckets: [
    { bucket: importTrigger.bucket, actions: ['GetObject'], prefixes: [importTrigger.prefix] },
    { bucket: importTrigger.bucket, actions: ['PutObject', 'GetObject'], prefixes: ['reports/'] },
  ],
  // import-chunks' 900 s visibility must be ≥ 6× the consumer timeout; a 4 MB chunk takes ~30 s.
  // The next chunk of its lane (shared/import/jobs/fan-out.ts).
  sendsTo: ['import-chunks'],
  timeoutSeconds: 150,
  scratchMiB: XLSX_SCRATCH_MIB,
};

/**
 * The SQS consumers of the saga queues (events/rules.ts, shared/events/queues.ts): each
 * declaration's id is its queue's consumer name. CDK builds them in the `Consumers` nested
 * stack and maps each queue to its function; the local runtime maps queue → function by id.
 */
export const eventConsumers: readonly LambdaDeclaration[] = [
  notificationSend,
  inventoryReserve,
  inventoryRelease,
  paymentProcess,
  orderFinalize,
  orderStatusProjector,
  importWorker,
];

/** Every bundle: the route functions, the authorizer and the event-driven functions. */
export const lambdas: readonly LambdaDeclaration[] = [...functions, authorizer, jwksCopier, importFunction, outboxPublisher, ...eventConsumers];

/** Every table: one per entity, plus the API keys, revocations, import jobs, consumer idempotency records, the outbox, orders and notification claims. CDK and the local runner create these. */
export const tableDesigns: readonly TableDesign[] = [
  ...entities.map(tableDesign),
  apiKeysTable,
  revocationsTable,
  importJobsTable,
  idempotencyTable,
  outboxTable,
  ordersTable,
  notificationsTable,
];

/** The declaration of one function; a typo'd id fails at cold start, not at request time. */
export function declarationOf(id: string): FunctionDeclaration {
  const found = functions.find((fn) => fn.id === id);
  if (!found) throw new Error(`no function '${id}' in the registry`);
  return found;
}
