import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { MAX_IN, MAX_NODES, OPERATORS } from './where.js';

/** Most items one bulk call writes (the issue's bound); `limit` may ask for fewer. */
export const MAX_BULK_ITEMS = 1_000;

export type BulkOperation = 'update' | 'delete';

/**
 * Bodies of `POST {collection}/bulk-update` and `…/bulk-delete`. `where` is required and
 * checked by `parseWhere` (422 at `body.where.…`); an absent or empty one is refused before, with 400
 * (`requireWhere`). `set` is the entity's update schema: writable, non-key, non-read-only
 * fields with their types (422 at `body.set.<field>`).
 */
export function bulkBodySchema(entity: Entity, operation: BulkOperation) {
  const name = z.globalRegistry.get(entity.responseSchema)?.id ?? entity.name;
  const shape = {
    // Optional to the schema so an absent where reaches requireWhere (400 bulk.whereRequired), not a 422.
    where: z
      .optional(z.unknown())
      .check(
        z.describe(
          `Required and non-empty: which ${entity.name} to ${operation}, as in the query (\`{field: {operator: value}}\`, operators ` +
            `${OPERATORS.join(', ')}, combined with and/or/not; at most ${MAX_NODES} parts, ${MAX_IN} values per \`in\`). ` +
            `Every ${entity.singular} is \`{"${entity.idField}": {"exists": true}}\`, never an omitted where.`,
        ),
      ),
    dry_run: z.optional(z.boolean().check(z.describe('Count the matches (within the same bounds) and write nothing'))),
    limit: z.optional(
      z.int().check(z.minimum(1), z.maximum(MAX_BULK_ITEMS), z.describe(`Most matches this call handles (default and at most ${MAX_BULK_ITEMS})`)),
    ),
    cursor: z.optional(
      z.string().check(z.minLength(1), z.maxLength(8192), z.describe('The `cursor` of the previous answer; send it with the same where, set and dry_run')),
    ),
  };
  if (operation === 'delete') return z.strictObject(shape).check(z.meta({ id: `${name}BulkDelete` }));
  // A fresh object of the update body's fields (the update schema itself carries its OpenAPI id).
  const set = z.strictObject(entity.updateSchema.shape).check(
    // Only when the fields themselves are fine: an unknown key is reported on its own, not as "empty" too.
    z.refine((patch) => Object.keys(patch).length > 0, { message: 'Name at least one field to set.', when: (payload) => payload.issues.length === 0 }),
    z.describe(`Fields to set on every match (the update body's fields: not ${entity.idField}, not read-only ones)`),
  );
  return z.strictObject({ ...shape, set }).check(z.meta({ id: `${name}BulkUpdate` }));
}

export type BulkBody = z.infer<ReturnType<typeof bulkBodySchema>> & { set?: Record<string, unknown> };

/** Answer of a bulk call (both operations; `updated`/`unchanged` or `deleted`). */
export function bulkResultSchema(operation: BulkOperation) {
  const count = (text: string) => z.int().check(z.minimum(0), z.describe(text));
  const written =
    operation === 'update'
      ? { updated: count('Matches written (version + 1)'), unchanged: count('Matches that already held every value of set') }
      : { deleted: count('Matches deleted') };
  return z
    .object({
      matched: count('Items the where matched in this call'),
      ...written,
      skipped: count('Matches that another write changed so they no longer matched, or removed, before this one got to them'),
      failed: z
        .array(z.object({ key: z.string(), reason: z.string() }))
        .check(z.describe('Matches not written, with the error code (e.g. a write conflict); send the call again to retry them')),
      dry_run: z.boolean(),
      cursor: z.nullable(z.string()).check(z.describe('Continues the operation (same body plus this cursor); null: every match was handled')),
    })
    .check(z.meta({ id: operation === 'update' ? 'BulkUpdateResult' : 'BulkDeleteResult' }));
}

export type BulkResult = z.infer<ReturnType<typeof bulkResultSchema>>;
