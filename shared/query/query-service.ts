import type { CursorCodec } from '../cursor/cursor-codec.js';
import type { Entity, EntityView } from '../entity/define-entity.js';
import { entityView } from '../entity/entity-view.js';
import { logger } from '../powertools/logger.js';
import { DEFAULT_QUERY_LIMIT, type QueryBody } from './query-body.js';
import { decodeQueryCursor, encodeQueryCursor, queryFingerprint } from './query-cursor.js';
import type { QueryOptions, QueryPosition, QueryResult } from './query-executor.js';
import { describePlan, planQuery, type QuerySort } from './query-plan.js';
import { parseWhere, type Where } from './where.js';

/** Port: runs one page of a where against the entity's table (./query-executor.ts over DynamoDB). */
export type QueryRunner = (where: Where, options: QueryOptions) => Promise<QueryResult>;

export interface QueryServiceDeps {
  run: QueryRunner;
  cursors: () => Promise<CursorCodec>;
  /** Items a page may read before it is answered short, with a cursor. */
  readBudget: number;
  /** Parallel segments of a scan. */
  segments: number;
}

/** One page of a query: items (projected) and the cursor of the next page, or null. */
export interface QueryAnswer {
  items: Partial<EntityView>[];
  cursor: string | null;
  /** The plan in a few words (`X-Query-Plan`). */
  plan: string;
  itemsRead: number;
}

/**
 * The `where` query of any declared entity: validates the where, plans it, resumes from a
 * signed cursor, runs one page within the read budget, projects `fields` and logs the plan
 * with the items it read.
 */
export function createQueryService(entity: Entity, deps: QueryServiceDeps) {
  const view = entityView(entity);
  // No where: every item of the entity, i.e. every one that has its id.
  const everyItem: Where = { field: entity.idField, op: 'exists', value: true };
  return {
    async query(body: QueryBody): Promise<QueryAnswer> {
      const where = body.where === undefined ? everyItem : parseWhere(entity, body.where);
      const sort: QuerySort | undefined = body.sort ? { field: body.sort.replace(/^-/, ''), descending: body.sort.startsWith('-') } : undefined;
      const plan = planQuery(entity, where, { segments: deps.segments, sort });
      const fingerprint = queryFingerprint(where, sort);
      let start: QueryPosition | undefined;
      let page = 1;
      if (body.cursor) ({ position: start, page } = decodeQueryCursor(await deps.cursors(), entity.name, body.cursor, fingerprint, plan));
      const limit = body.limit ?? DEFAULT_QUERY_LIMIT;
      const result = await deps.run(where, { limit, readBudget: deps.readBudget, segments: deps.segments, sort, start });
      const cursor = result.next ? encodeQueryCursor(await deps.cursors(), entity.name, fingerprint, result.next, page + 1) : null;
      const fields = body.fields ? new Set([entity.idField, ...body.fields]) : undefined;
      const items = result.items.map((item) => {
        const full = view(item);
        return fields ? Object.fromEntries(Object.entries(full).filter(([field]) => fields.has(field))) : full;
      });
      const described = describePlan(result.plan, deps.readBudget);
      logger.info('query answered', {
        entity: entity.name,
        plan: described,
        page,
        items_read: result.itemsRead,
        items_returned: items.length,
        has_next: cursor !== null,
      });
      return { items, cursor, plan: described, itemsRead: result.itemsRead };
    },
  };
}

export type QueryService = ReturnType<typeof createQueryService>;
