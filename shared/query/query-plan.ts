import type { Entity } from '../entity/define-entity.js';
import { filterValue } from '../entity/filter-value.js';
import { type IndexDesign, indexFor, tableDesign } from '../store/dynamodb/table-design.js';
import { filterExpression } from './filter-expression.js';
import type { Where } from './where.js';

/** An order of the results: a declared sort of the entity, ascending or descending. */
export interface QuerySort {
  field: string;
  descending: boolean;
}

/** A `begins_with` of the where on the index's sort field, as a prefix of its sort keys. */
export interface KeyPrefix {
  field: string;
  /** The encoded prefix: every key of a matching item starts with it. */
  key: string;
}

/**
 * How a where is answered: a key lookup, a batch of keys, a Query of a declared sorted index
 * (all its write shards merged in order), or a parallel filtered Scan.
 */
export type QueryPlan =
  | { kind: 'GetItem'; id: string }
  | { kind: 'BatchGet'; ids: string[]; sort?: QuerySort }
  | { kind: 'Index'; index: IndexDesign; value?: string; descending: boolean; prefix?: KeyPrefix }
  | { kind: 'Scan'; segments: number; filter: string };

/**
 * Chooses the plan: `id eq` → GetItem; `id in` → BatchGet; a sort, an `eq` on a declared
 * filter field, or a `begins_with` on a declared sort field → Query of the matching sorted
 * index (inside the filter value's partitions when there is one, with a `begins_with` key
 * condition when the index is sorted by that field; the where still filters what it returns);
 * anything else → parallel Scan.
 */
export function planQuery(entity: Entity, where: Where, options: { segments?: number; sort?: QuerySort } = {}): QueryPlan {
  const key = keyCondition(entity, where);
  if (key && key.length === 1) return { kind: 'GetItem', id: key[0]! };
  if (key) return { kind: 'BatchGet', ids: key, ...(options.sort ? { sort: options.sort } : {}) };
  const filter = filterCondition(entity, where);
  const prefixes = prefixConditions(entity, where);
  // A requested sort fixes the index; without one, a prefix picks the index sorted by its field.
  const sort = options.sort?.field ?? prefixes[0]?.sort ?? entity.list.defaultSort;
  const prefix = prefixes.find((candidate) => candidate.sort === sort);
  if (options.sort || filter || prefix) {
    const index = indexFor(tableDesign(entity), sort, filter?.name);
    return {
      kind: 'Index',
      index,
      ...(filter ? { value: filter.value } : {}),
      descending: options.sort?.descending ?? false,
      ...(prefix ? { prefix: { field: prefix.field, key: prefix.key } } : {}),
    };
  }
  return { kind: 'Scan', segments: options.segments ?? 4, filter: filterExpression(where, { names: {}, values: {} }) };
}

/** The plan in a few words, for the `X-Query-Plan` header and the log. */
export function describePlan(plan: QueryPlan, readBudget: number): string {
  switch (plan.kind) {
    case 'GetItem':
      return 'get';
    case 'BatchGet':
      return `batch-get(${plan.ids.length})`;
    case 'Index':
      return `index(${plan.index.name}, shards=${plan.index.shards}${plan.prefix ? `, begins_with=${plan.prefix.field}` : ''})`;
    case 'Scan':
      return `scan(parallel=${plan.segments}, budget=${readBudget})`;
  }
}

/** The parts a plan can use: the where itself or the parts of a top-level `and`. */
const conjuncts = (where: Where): Where[] => ('and' in where ? where.and : [where]);

function keyCondition(entity: Entity, where: Where): string[] | undefined {
  for (const w of conjuncts(where)) {
    if (!('field' in w) || w.field !== entity.idField) continue;
    if (w.op === 'eq' && typeof w.value === 'string') return [w.value];
    if (w.op === 'in' && w.value.every((v) => typeof v === 'string')) return [...new Set(w.value as string[])];
  }
  return undefined;
}

/** A declared filter pinned by `eq`: its index partitions hold a superset (case-folded) of the matches. */
function filterCondition(entity: Entity, where: Where): { name: string; value: string } | undefined {
  for (const w of conjuncts(where)) {
    if (!('field' in w) || w.op !== 'eq') continue;
    const name = Object.keys(entity.list.filters).find((filter) => entity.list.filters[filter]!.field === w.field);
    const value = filterValue(w.value);
    if (name && value) return { name, value };
  }
  return undefined;
}

/** The `begins_with` conjuncts on a declared sort field whose encoding keeps prefixes, with that sort's name. */
function prefixConditions(entity: Entity, where: Where): { sort: string; field: string; key: string }[] {
  return conjuncts(where).flatMap((w) => {
    if (!('field' in w) || w.op !== 'begins_with' || typeof w.value !== 'string' || w.value === '') return [];
    const { field, value } = w;
    return Object.entries(entity.list.sorts).flatMap(([sort, declared]) => {
      const key = declared.field === field ? declared.prefix?.(value) : undefined;
      return key ? [{ sort, field, key }] : [];
    });
  });
}
