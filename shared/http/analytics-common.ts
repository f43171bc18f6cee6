import type { Entity } from '../entity/define-entity.js';
import { analyticsFunctions } from '../entity/analytics-functions.js';
import { entityService } from '../entity/entity-container.js';

/**
 * What the export, statistics and chart handlers share: their registry entry, and the items
 * matching the list's query (filters, search, sort) streamed from the store page by page.
 */
export const analyticsDeclaration = (entity: Entity, suffix: string) => analyticsFunctions(entity).find((fn) => fn.id === `${entity.name}-${suffix}`)!;

export type WholeResultQuery = Record<string, unknown>;

export const itemsOf = (entity: Entity, query: WholeResultQuery) => entityService(entity).items(query as never);

/** `Hometown: Huế` for a chart subtitle when a filter narrowed the population. */
export function scopeOf(entity: Entity, query: WholeResultQuery): string | undefined {
  const parts = Object.keys(entity.list.filters)
    .filter((name) => query[name])
    .map((name) => `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${String(query[name])}`);
  if (query.search) parts.push(`search “${String(query.search)}”`);
  return parts.length ? parts.join(' · ') : undefined;
}
