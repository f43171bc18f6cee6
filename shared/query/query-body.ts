import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import { MAX_PAGE_SIZE } from '../entity/list-query.js';
import { MAX_IN, MAX_NODES, OPERATORS } from './where.js';

/** Items per page unless `limit` says otherwise. */
export const DEFAULT_QUERY_LIMIT = 20;

/**
 * Body of `POST {collection}/query`. The `where` is checked field by field against the
 * entity by `parseWhere` (422 at `body.where.…`); everything else here, 422 at `body.<key>`.
 */
export function queryBodySchema(entity: Entity) {
  const sorts = Object.keys(entity.list.sorts);
  const fields = Object.keys(entity.responseSchema.shape);
  const name = z.globalRegistry.get(entity.responseSchema)?.id ?? entity.name;
  return z
    .strictObject({
      where: z.optional(
        z
          .unknown()
          .check(
            z.describe(
              `A specification over the stored fields of ${entity.name}: \`{field: {operator: value}}\` with operators ` +
                `${OPERATORS.join(', ')}, combined with \`{and: [...]}\`, \`{or: [...]}\`, \`{not: {...}}\` ` +
                `(at most ${MAX_NODES} parts, ${MAX_IN} values per \`in\`). Omitted: every ${entity.singular}.`,
            ),
          ),
      ),
      sort: z.optional(
        z
          .enum([...sorts, ...sorts.map((sort) => `-${sort}`)] as [string, ...string[]])
          .check(z.describe(`Order of the results, '-' for descending; served by the sort's index. Omitted: no particular order.`)),
      ),
      limit: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_PAGE_SIZE), z.describe(`Most items in the page (default ${DEFAULT_QUERY_LIMIT})`))),
      cursor: z.optional(
        z.string().check(z.minLength(1), z.maxLength(8192), z.describe('The `cursor` of the previous answer; send it with the same where and sort')),
      ),
      fields: z.optional(
        z
          .array(z.enum(fields as [string, ...string[]]))
          .check(z.minLength(1), z.maxLength(fields.length), z.describe(`Fields to return (${entity.idField} always is); omitted: all`)),
      ),
    })
    .check(z.meta({ id: `${name}Query` }));
}

export type QueryBody = z.infer<ReturnType<typeof queryBodySchema>>;
