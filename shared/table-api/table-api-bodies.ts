import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { bulkBodySchema } from '../query/bulk-body.js';
import { queryBodySchema } from '../query/query-body.js';

/**
 * Bodies of the original table API, per table, built from the v1 bodies they stand for so
 * the field types, bounds and OpenAPI descriptions are the v1 ones. `input` is the row
 * (insert), the fields to set (update) or the where (query, delete); see compat-where.ts for
 * the where's shorthand. Each is named `<Singular>Table<Operation>` in OpenAPI.
 */
const idOf = (entity: Entity, operation: string) => `${z.globalRegistry.get(entity.responseSchema)?.id ?? entity.name}Table${operation}`;

const whereInput = (entity: Entity, required: boolean) =>
  z
    .unknown()
    .check(
      z.describe(
        `Which ${entity.name}: \`{field: value}\` matches exactly (a list: any of its values), \`{field: {operator: value}}\` ` +
          'is a condition of the v1 query (eq, ne, lt, lte, gt, gte, between, begins_with, contains, in, exists; and/or/not), several keys must all match. ' +
          (required ? 'Required and non-empty.' : `Omitted or empty: every ${entity.singular}.`),
      ),
    );

/** `POST /api/{table}`: `{input: row}`, the row being the v1 create body. */
export function tableInsertBodySchema(entity: Entity) {
  return z.strictObject({ input: entity.createSchema }).check(z.meta({ id: idOf(entity, 'Insert') }));
}

/** `POST /api/{table}/query`: `{input: where, sort, limit, cursor, fields}`. */
export function tableQueryBodySchema(entity: Entity) {
  const { where: _where, ...paging } = queryBodySchema(entity).shape;
  return z.strictObject({ input: z.optional(whereInput(entity, false)), ...paging }).check(z.meta({ id: idOf(entity, 'Query') }));
}

/** `PUT /api/{table}`: `{input: fields to set, where, dry_run, limit, cursor}`; the where is required (400). */
export function tableUpdateBodySchema(entity: Entity) {
  // The update variant of the v1 bulk body (its declared type is the union of both).
  const {
    set,
    where: _where,
    ...rest
  } = bulkBodySchema(entity, 'update').shape as ReturnType<typeof bulkBodySchema>['shape'] & { set: z.ZodMiniType<Record<string, unknown>> };
  return z.strictObject({ input: set, where: z.optional(whereInput(entity, true)), ...rest }).check(z.meta({ id: idOf(entity, 'Update') }));
}

/** `DELETE /api/{table}`: `{input: where, dry_run, limit, cursor}`; the where is required (400). */
export function tableDeleteBodySchema(entity: Entity) {
  const { where: _where, ...rest } = bulkBodySchema(entity, 'delete').shape;
  return z.strictObject({ input: z.optional(whereInput(entity, true)), ...rest }).check(z.meta({ id: idOf(entity, 'Delete') }));
}
