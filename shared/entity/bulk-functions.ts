import type { Entity } from './define-entity.js';
import { type FunctionDeclaration, NO_STORE, outboxGrant } from './entity-functions.js';
import { lowestPermission } from './lowest-permission.js';

/** The bulk routes of an entity, under its collection path. */
export const bulkRoutes = (entity: Entity) => ({
  update: `${entity.routes.collection}/bulk-update`,
  delete: `${entity.routes.collection}/bulk-delete`,
});

/**
 * One function per entity serves bulk update (the entity's update permission: staff) and
 * bulk delete (its delete permission: admin), each route declaring its own; the function's
 * permission is the lower of the two. One function, not two, keeps the stack's resource count
 * down. It reads matches like the query (GetItem, BatchGetItem, Query, Scan) and writes them
 * like update and delete (conditional transactions that move counter shards).
 */
export function bulkFunctions(entity: Entity): FunctionDeclaration[] {
  const routes = bulkRoutes(entity);
  const update = entity.permissions.update;
  const remove = entity.permissions.delete;
  return [
    {
      id: `${entity.name}-bulk`,
      entry: `functions/${entity.name}/bulk.ts`,
      description: `Updates or deletes the ${entity.name} a where matches, up to 1,000 per call with a continuation cursor`,
      routes: [
        { method: 'POST', path: routes.update, permission: update },
        { method: 'POST', path: routes.delete, permission: remove },
      ],
      permission: lowestPermission(update, remove),
      tables: [
        { table: entity.name, actions: ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'DeleteItem', 'UpdateItem'] },
        ...outboxGrant(entity, 'bulk'),
      ],
      cursorSecret: true,
      // Pages of writes until the time budget (which answers before API Gateway's 29 s) runs short.
      timeoutSeconds: 29,
      cacheControl: NO_STORE,
    },
  ];
}
