import * as z from 'zod/mini';
import type { Entity } from './define-entity.js';
import { plainText } from './plain-text.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 10;

/**
 * Query parameters of `GET /<entity>`: page or cursor, page_size, search, one parameter per
 * declared filter, and sort (`field` or `-field`). Defaults are applied by the service so
 * that a cursor can tell "not given" from "given".
 */
export function listQuerySchema(entity: Entity) {
  const sorts = Object.keys(entity.list.sorts);
  const filters: Record<string, z.ZodMiniOptional<z.ZodMiniString>> = {};
  for (const [name, filter] of Object.entries(entity.list.filters)) {
    filters[name] = z.optional(plainText(0, 100).check(z.describe(filter.description)));
  }
  return z
    .object({
      page: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000), z.describe('Page number, from 1'))),
      page_size: z.optional(
        z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE), z.describe(`Items per page (default ${DEFAULT_PAGE_SIZE})`)),
      ),
      search: z.optional(plainText(0, 100).check(z.describe(`Case-insensitive substring of ${entity.list.searchFields.join(', ')}`))),
      sort: z.optional(
        z
          .enum([...sorts, ...sorts.map((sort) => `-${sort}`)] as [string, ...string[]])
          .check(z.describe(`Sort field, '-' for descending (default ${entity.list.defaultSort})`)),
      ),
      cursor: z.optional(z.string().check(z.maxLength(8192), z.describe('Opaque cursor from next_cursor; the fast alternative to page'))),
      ...filters,
    })
    .check(z.meta({ id: `${entity.name}ListQuery` }));
}

export type ListQueryInput = z.infer<ReturnType<typeof listQuerySchema>>;
