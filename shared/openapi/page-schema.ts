import * as z from 'zod/mini';
import type { Entity } from '../entity/define-entity.js';
import type { ListResult } from '../entity/entity-service.js';
import type { QueryAnswer } from '../query/query-service.js';

/**
 * The list response of an entity (`StudentPage`) for OpenAPI. `ListResult` is a TypeScript
 * interface, so its keys are checked here at compile time to keep the two from drifting.
 */
export function pageSchema(entity: Entity) {
  const shape = {
    items: z.array(entity.responseSchema),
    total: z.int().check(z.minimum(0), z.describe('Items matching the filters and search')),
    page: z.int().check(z.minimum(1), z.describe('Number of this page, from 1')),
    page_size: z.int().check(z.minimum(1), z.describe('Items per page')),
    total_pages: z.int().check(z.minimum(0), z.describe('Pages at this page size')),
    has_next: z.boolean(),
    has_prev: z.boolean(),
    next_cursor: z.nullable(z.string()).check(z.describe('Pass as `cursor` to read the next page; null on the last page')),
    total_estimated: z.optional(
      z
        .literal(true)
        .check(
          z.describe(
            'Present only when a search ran out of time before counting everything: `total` is then an estimate (never below the items already shown) and `has_next` comes from the index',
          ),
        ),
    ),
  } satisfies Record<keyof ListResult, z.core.$ZodType>;
  return z.object(shape);
}

/** One page of a query (`StudentQueryPage`): items carry only the requested `fields` (and the id). */
export function queryPageSchema(entity: Entity) {
  const shape = {
    items: z.array(z.partial(z.object(entity.responseSchema.shape))),
    cursor: z.nullable(z.string()).check(z.describe('Send as `cursor` with the same where and sort for the next page; null after the last')),
  } satisfies Record<keyof Omit<QueryAnswer, 'plan' | 'itemsRead'>, z.core.$ZodType>;
  return z.object(shape);
}
