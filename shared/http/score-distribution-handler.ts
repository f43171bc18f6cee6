import { drawChart } from '../charts/draw-chart.js';
import type { Entity } from '../entity/define-entity.js';
import { entityService } from '../entity/entity-container.js';
import { declarationOf } from '../registry.js';
import { accumulateStatistics } from '../statistics/entity-statistics.js';
import { subjectKey } from '../statistics/statistics-view.js';
import { scopeOf } from './analytics-common.js';
import { wholeResultQuery } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';

const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100 + 1e-9) / 100);

/**
 * The original `GET /api/v1/visualizations/score-distribution`: the histogram as a base64
 * PNG inside JSON, with the totals the original put beside it.
 */
export function scoreDistributionHandler(entity: Entity) {
  return createHttpHandler({
    declaration: declarationOf(`${entity.name}-score-distribution`),
    input: { query: wholeResultQuery(entity) },
    handle: async ({ query }) => {
      const filters = query as Record<string, unknown>;
      const stats = await accumulateStatistics(entity, entityService(entity).items(filters as never));
      const chart = await drawChart(entity, stats, 'histogram', 'png', scopeOf(entity, filters));
      const result = stats.result(0);
      const averages = Object.fromEntries(Object.entries(result.subjects).map(([field, s]) => [subjectKey(field), round2(s.mean)]));
      return {
        statusCode: 200,
        body: {
          chart_type: 'histogram',
          image: chart.format === 'png' ? chart.bytes.toString('base64') : '',
          format: 'png',
          encoding: 'base64',
          statistics: { [`total_${entity.name}`]: result.count, average_scores: { ...averages, overall: round2(result.overall_average) } },
        },
      };
    },
  });
}
