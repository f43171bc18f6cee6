import { drawChart } from '../charts/draw-chart.js';
import type { Entity } from '../entity/define-entity.js';
import { accumulateStatistics } from '../statistics/entity-statistics.js';
import { analyticsDeclaration, itemsOf, scopeOf, type WholeResultQuery } from './analytics-common.js';
import { chartPathSchema, chartQuerySchema } from './analytics-query.js';
import { createHttpHandler } from './create-http-handler.js';
import type { HttpResult } from './http-types.js';

/** One chart of an entity's statistics: PNG (default), SVG or the vega-lite spec. */
export function entityChartHandler(entity: Entity) {
  return createHttpHandler({
    declaration: analyticsDeclaration(entity, 'charts'),
    input: { path: chartPathSchema, query: chartQuerySchema(entity) },
    handle: async ({ path, query }): Promise<HttpResult> => {
      const { format = 'png', ...filters } = query as WholeResultQuery & { format?: 'svg' | 'png' | 'vega' };
      const stats = await accumulateStatistics(entity, itemsOf(entity, filters));
      const chart = await drawChart(entity, stats, path.chart, format, scopeOf(entity, filters));
      if (chart.format === 'png') return { statusCode: 200, rawBody: { contentType: chart.contentType, bytes: chart.bytes } };
      if (chart.format === 'svg') return { statusCode: 200, rawBody: { contentType: chart.contentType, text: chart.text } };
      return { statusCode: 200, rawBody: { contentType: chart.contentType, text: JSON.stringify(chart.spec) } };
    },
  });
}
