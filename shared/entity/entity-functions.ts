import { QUERY_THROTTLE, type RouteThrottle } from '../http/route-throttles.js';
import { outboxTable } from '../events/outbox.table.js';
import type { Entity, EntityOperation, Permission } from './define-entity.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** DynamoDB actions a function may perform on one table (and its indexes). */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway path syntax: `/api/v1/students/{student_id}`. */
  path: string;
  /** A stricter permission than the function's for this route (one function serving bulk update and bulk delete). */
  permission?: Permission;
}

/** The permission a route of `fn` needs: its own when declared, else the function's. */
export function routePermission(fn: Pick<FunctionDeclaration, 'permission'>, route: RouteDeclaration): Permission {
  return route.permission ?? fn.permission;
}

/** Any Lambda of the platform: its bundle, what it may touch and the configuration it needs. */
export interface LambdaDeclaration {
  /** Stable id: bundle folder, construct id and log/service name (`students-get`). */
  id: string;
  /** Entry file relative to the repository root. */
  entry: string;
  description: string;
  /**
   * Least-privilege grants, per table id; `leadingKeys` limits them to items with these
   * partition keys (`dynamodb:LeadingKeys`), for a function that only ever reads fixed items.
   */
  tables: { table: string; actions: TableAction[]; leadingKeys?: string[] }[];
  /** Needs the HMAC secret that signs list cursors. */
  cursorSecret?: boolean;
  /** Reads or writes the token revocation list (the revocations table; see shared/auth/revocation-container.ts). */
  revocationList?: boolean;
  /** Verifies JWTs of the identity provider (`AUTH_JWKS_URL`, `AUTH_ISSUER`, `AUTH_AUDIENCE`). */
  identityProvider?: boolean;
  /**
   * The secret holding the copy of the identity provider's JWKS (docs/security.md, "JWKS copy"):
   * `read` (the authorizer: `AUTH_JWKS_SECRET_ARN` instead of `AUTH_JWKS_URL`, GetSecretValue) or
   * `write` (the copier: `AUTH_JWKS_SECRET_ARN`, `JWKS_SOURCE_URL`, Get/PutSecretValue), on that secret only.
   */
  jwksSecret?: 'read' | 'write';
  /** Invoked by an EventBridge rule every this many minutes. */
  scheduleMinutes?: number;
  /** Evaluates feature flags: reads the AppConfig feature-flag profile (`FLAGS_APPCONFIG_*`). */
  featureFlags?: boolean;
  /** Rasterises charts: gets the chart layer (shipped fonts + the resvg native addon). */
  chartRendering?: boolean;
  /** Streams large exports to the exports bucket (`EXPORTS_BUCKET`, prefix `exports/`) and presigns links. */
  largeExports?: boolean;
  /**
   * Least-privilege S3 grants, per bucket logical name, limited to key prefixes.
   * `GetObjectVersion`: reading or heading an object by `VersionId` (in a versioned bucket).
   */
  buckets?: { bucket: string; actions: ('GetObject' | 'GetObjectVersion' | 'PutObject')[]; prefixes: string[] }[];
  /** Invoked by S3 notifications of this bucket (the declared import trigger). */
  s3Trigger?: string;
  /** Lambda timeout in seconds (default: the HTTP functions' timeout). */
  timeoutSeconds?: number;
  /**
   * /tmp in MiB (Lambda's default: 512): XLSX sheets stored before their shared strings wait there
   * while a workbook is read (shared/import/xlsx/utf8-safe-workbook-reader.ts).
   */
  scratchMiB?: number;
  /** Calls PutEvents on the domain bus: `EVENT_BUS_NAME`, and events:PutEvents on that bus only. */
  publishesEvents?: boolean;
  /** Queues of shared/events/queues.ts it sends to: `<NAME>_QUEUE_URL`, and sqs:SendMessage on those queues only. */
  sendsTo?: readonly string[];
  /**
   * Tells customers things (shared/notifications/): `NOTIFICATIONS_*`, ses:SendEmail on the configured
   * identity, sns:Publish (SMS, the configured push applications' endpoints) and cognito-idp:AdminGetUser
   * on the user pool (infra/constructs/notification-channels.ts).
   */
  sendsNotifications?: boolean;
}

/** One Lambda behind HTTP routes: its routes, who may call it and how its answers are cached. */
export interface FunctionDeclaration extends LambdaDeclaration {
  routes: RouteDeclaration[];
  /** Enforced by the `authorize` middleware from what the Lambda authorizer resolved. */
  permission: Permission;
  /** The entity operation it implements, for functions derived from an entity. */
  operation?: { entity: string; name: EntityOperation };
  /** Serves API Gateway's `$default` route (whatever no other route matched). */
  defaultRoute?: boolean;
  /**
   * Cache-Control of its successful responses. `no-store` for writes, admin, auth and
   * anything user-specific; `private, no-cache` for reads that revalidate by ETag;
   * `public, max-age=…` only for documents that are the same for everyone.
   */
  cacheControl: string;
  /**
   * API Gateway throttle of each of its routes (shared/http/route-throttles.ts), for requests
   * that cost much more than a get.
   * @default - the stage's throttle only
   */
  throttle?: RouteThrottle;
}

/** Reads depend on the caller's role: cache privately, revalidate by ETag. */
export const PRIVATE_REVALIDATE = 'private, no-cache';
export const NO_STORE = 'no-store';

/** Every route a function serves: its declared ones plus HEAD for each GET. */
export function servedRoutes(fn: Pick<FunctionDeclaration, 'routes'>): RouteDeclaration[] {
  return fn.routes.flatMap((route) => (route.method === 'GET' ? [route, { ...route, method: 'HEAD' as const }] : [route]));
}

const OPERATIONS: Record<EntityOperation, { methods: HttpMethod[]; on: 'collection' | 'item'; suffix?: string; actions: TableAction[]; verb: string }> = {
  create: { methods: ['POST'], on: 'collection', actions: ['PutItem', 'UpdateItem'], verb: 'Creates' },
  get: { methods: ['GET'], on: 'item', actions: ['GetItem'], verb: 'Reads' },
  // Index entries are lean: page items and counter shards come from BatchGetItem.
  list: { methods: ['GET'], on: 'collection', actions: ['Query', 'GetItem', 'BatchGetItem'], verb: 'Lists' },
  // The planner's four ways to answer a where (docs/query-api.md).
  query: { methods: ['POST'], on: 'collection', suffix: '/query', actions: ['GetItem', 'BatchGetItem', 'Query', 'Scan'], verb: 'Queries' },
  update: { methods: ['PUT', 'PATCH'], on: 'item', actions: ['GetItem', 'PutItem', 'UpdateItem'], verb: 'Updates' },
  delete: { methods: ['DELETE'], on: 'item', actions: ['GetItem', 'DeleteItem', 'UpdateItem'], verb: 'Deletes' },
};

/** The CRUD functions of an entity and its `where` query, derived from its declaration. */
export function entityFunctions(entity: Entity): FunctionDeclaration[] {
  return (Object.keys(OPERATIONS) as EntityOperation[]).map((operation) => {
    const spec = OPERATIONS[operation];
    return {
      id: `${entity.name}-${operation}`,
      entry: `functions/${entity.name}/${operation}.ts`,
      description: `${spec.verb} ${entity.name}`,
      routes: spec.methods.map((method) => ({ method, path: `${entity.routes[spec.on]}${spec.suffix ?? ''}` })),
      permission: entity.permissions[operation],
      tables: [{ table: entity.name, actions: spec.actions }, ...outboxGrant(entity, operation)],
      operation: { entity: entity.name, name: operation },
      ...(operation === 'list' || operation === 'query' ? { cursorSecret: true } : {}),
      ...(operation === 'query' ? { throttle: QUERY_THROTTLE } : {}),
      cacheControl: operation === 'get' || operation === 'list' ? PRIVATE_REVALIDATE : NO_STORE,
    };
  });
}

/** Writers of an entity with change events put their outbox rows (in the write's transaction). */
export function outboxGrant(entity: Entity, operation: EntityOperation | 'bulk'): { table: string; actions: TableAction[] }[] {
  const writes = operation === 'create' || operation === 'update' || operation === 'delete' || operation === 'bulk';
  return entity.events && writes ? [{ table: outboxTable.id, actions: ['PutItem'] }] : [];
}
