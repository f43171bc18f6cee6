import type { Entity } from '../entity/define-entity.js';
import { accumulateStatistics } from '../statistics/entity-statistics.js';
import { statisticsView } from '../statistics/statistics-view.js';
import { analyticsDeclaration, itemsOf, type WholeResultQuery } from './analytics-common.js';
import { wholeResultQuery } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';

/** An entity's statistics, computed in one streaming pass over the items matching the query. */
export function entityStatisticsHandler(entity: Entity) {
  return createHttpHandler({
    declaration: analyticsDeclaration(entity, 'statistics'),
    input: { query: wholeResultQuery(entity) },
    handle: async ({ query }) => {
      const stats = await accumulateStatistics(entity, itemsOf(entity, query as WholeResultQuery));
      return { statusCode: 200, body: statisticsView(entity, stats.result()) };
    },
  });
}
