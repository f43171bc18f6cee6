import { InsufficientRoleError } from '../auth/auth.errors.js';
import type { Principal } from '../auth/principal.js';
import { roleSatisfies } from '../auth/role.js';
import type { Entity } from '../entity/define-entity.js';
import { UnknownEntityError } from '../entity/entity.errors.js';
import { type TableOperation, tablePermission } from './table-api-functions.js';

const CAPABILITY: Partial<Record<TableOperation, string>> = { import: 'be imported', export: 'be exported' };

/**
 * The registered entity a table API request names, checked for the caller's role on it. The
 * name is only compared with the registry's entity names (exactly: they are lower-case), so
 * user input never reaches a table lookup; no such entity, or one without the operation
 * (an export of a table that declares none) → 404 `entity.notFound`. The route's declared
 * permission is the lowest over the tables: the named table's own is applied here (403).
 */
export function resolveTable(entities: readonly Entity[], name: string, operation: TableOperation, principal: Principal | undefined): Entity {
  const able = entities.filter((entity) => tablePermission(entity, operation) !== undefined);
  const entity = able.find((candidate) => candidate.name === name);
  if (!entity)
    throw new UnknownEntityError(
      name,
      able.map((candidate) => candidate.name),
      CAPABILITY[operation],
    );
  const permission = tablePermission(entity, operation)!;
  if (permission !== 'public' && !roleSatisfies(principal?.role ?? null, permission)) throw new InsufficientRoleError(permission);
  return entity;
}
