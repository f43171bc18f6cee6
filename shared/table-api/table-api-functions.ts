import { analyticsFunctions } from '../entity/analytics-functions.js';
import { bulkFunctions } from '../entity/bulk-functions.js';
import type { Entity, Permission } from '../entity/define-entity.js';
import { entityFunctions, type FunctionDeclaration, type LambdaDeclaration, NO_STORE } from '../entity/entity-functions.js';
import { lowestPermission } from '../entity/lowest-permission.js';
import { BULK_THROTTLE, HEAVY_READ_THROTTLE, QUERY_THROTTLE } from '../http/route-throttles.js';
import { bulkImportFunctions } from '../import/jobs/import-functions.js';

/** The original system's table API (issue 11): `{table}` is an entity name, resolved against the registry. */
export const TABLE_API_ROUTES = {
  table: '/api/{table}',
  query: '/api/{table}/query',
  import: '/api/batch/import',
  export: '/api/batch/{table}/export',
} as const;

/** The OpenAPI tag of the table API's operations. */
export const TABLE_API_TAG = 'table-api';

/** Whether a function is one of the table API's (their ids are `tables-<kind>`). */
export const isTableApiFunction = (id: string) => id.startsWith('tables-');

type Grants = LambdaDeclaration['tables'];

/** What a table API route does to its table; each is one v1 operation of the entity. */
export type TableOperation = 'insert' | 'query' | 'update' | 'delete' | 'import' | 'export';

/**
 * The permission the v1 twin of `operation` has on `entity` (insert = create, import = the
 * direct upload, export = the export route), or undefined when the entity has no such route.
 */
export function tablePermission(entity: Entity, operation: TableOperation): Permission | undefined {
  switch (operation) {
    case 'insert':
      return entity.permissions.create;
    case 'import':
      return bulkImportFunctions(entity)[0]?.permission;
    case 'export':
      return analyticsFunctions(entity).find((fn) => fn.id === `${entity.name}-export`)?.permission;
    default:
      return entity.permissions[operation];
  }
}

/**
 * The table API as a thin layer over the v1 functions' services: one function per kind of
 * work, shared by every table (the table comes from the path or the file name), so a new
 * entity adds no function here. Four, not one per route and table, because the app stack
 * pays ~5 resources per function; they are cut where grants, throttles and timeouts differ:
 * - writes (insert, where-update, where-delete): the grants of the entity's bulk function, which
 *   cover create's; each route carries the permission of its v1 twin;
 * - reads (GET and POST query): the v1 query's read-only grants and throttle;
 * - the file import and the export: their v1 doors' grants, buckets, throttles and timeouts.
 * Grants are taken from those v1 declarations, never spelled again. A route's permission is the
 * lowest its operation has over the tables; the handler then applies the named table's own.
 */
export function tableApiFunctions(entities: readonly Entity[]): FunctionDeclaration[] {
  if (entities.length === 0) return [];
  const lowest = (operation: TableOperation, among: readonly Entity[] = entities) => {
    const [first, ...rest] = among.map((entity) => tablePermission(entity, operation)!);
    return lowestPermission(first!, ...rest);
  };
  const [insert, update, remove] = [lowest('insert'), lowest('update'), lowest('delete')];
  const declarations: FunctionDeclaration[] = [
    {
      id: 'tables-write',
      entry: 'functions/tables/write.ts',
      description: 'Original table API: inserts a row, or updates or deletes the rows a required where matches',
      routes: [
        { method: 'POST', path: TABLE_API_ROUTES.table, permission: insert },
        { method: 'PUT', path: TABLE_API_ROUTES.table, permission: update },
        { method: 'DELETE', path: TABLE_API_ROUTES.table, permission: remove },
      ],
      permission: lowestPermission(insert, update, remove),
      tables: mergeGrants(entities.flatMap((entity) => bulkFunctions(entity).flatMap((fn) => fn.tables))),
      cursorSecret: true,
      // As the bulk routes it serves: pages of writes until the time budget runs short.
      timeoutSeconds: 29,
      cacheControl: NO_STORE,
    },
    {
      id: 'tables-query',
      entry: 'functions/tables/query.ts',
      description: 'Original table API: the rows of a table that a where (query string or body) matches',
      routes: [
        { method: 'GET', path: TABLE_API_ROUTES.query },
        { method: 'POST', path: TABLE_API_ROUTES.query },
      ],
      permission: lowest('query'),
      tables: mergeGrants(
        entities.flatMap((entity) =>
          entityFunctions(entity)
            .filter((fn) => fn.operation?.name === 'query')
            .flatMap((fn) => fn.tables),
        ),
      ),
      cursorSecret: true,
      throttle: QUERY_THROTTLE,
      cacheControl: NO_STORE,
    },
  ];
  const importable = entities.filter((entity) => entity.import);
  if (importable.length > 0) {
    declarations.push({
      id: 'tables-import',
      entry: 'functions/tables/import.ts',
      description: 'Original table API: imports a CSV or XLSX file into the table its file name names (up to 5 MB)',
      routes: [{ method: 'POST', path: TABLE_API_ROUTES.import }],
      permission: lowest('import', importable),
      tables: mergeGrants(importable.flatMap((entity) => bulkImportFunctions(entity).flatMap((fn) => fn.tables))),
      timeoutSeconds: 29,
      cacheControl: NO_STORE,
      throttle: BULK_THROTTLE,
    });
  }
  const exportable = entities.filter((entity) => entity.export);
  if (exportable.length > 0) {
    declarations.push({
      id: 'tables-export',
      entry: 'functions/tables/export.ts',
      description: 'Original table API: a table as CSV (or XLSX/XML), read page by page; 303 to a download link when large',
      routes: [{ method: 'GET', path: TABLE_API_ROUTES.export }],
      permission: lowest('export', exportable),
      tables: mergeGrants(
        exportable.flatMap((entity) =>
          analyticsFunctions(entity)
            .filter((fn) => fn.id === `${entity.name}-export`)
            .flatMap((fn) => fn.tables),
        ),
      ),
      largeExports: true,
      cacheControl: NO_STORE,
      throttle: HEAVY_READ_THROTTLE,
    });
  }
  return declarations;
}

/** One grant per table with the union of its actions (the jobs and outbox grants repeat per entity). */
function mergeGrants(grants: Grants): Grants {
  const byTable = new Map<string, Set<Grants[number]['actions'][number]>>();
  for (const grant of grants) {
    if (grant.leadingKeys) throw new Error(`table API: a leading-keys grant on ${grant.table} cannot be merged`);
    const actions = byTable.get(grant.table) ?? new Set();
    for (const action of grant.actions) actions.add(action);
    byTable.set(grant.table, actions);
  }
  return [...byTable].map(([table, actions]) => ({ table, actions: [...actions] }));
}
