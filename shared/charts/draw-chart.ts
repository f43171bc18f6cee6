import type { Entity } from '../entity/define-entity.js';
import type { StatisticsAccumulator } from '../statistics/entity-statistics.js';
import { averageRows, boxplotRows, type ChartRows, densityRows, histogramRows } from './chart-data.js';
import type { ChartFormat, ChartKind } from './chart-kind.js';
import { chartSpec } from './chart-specs.js';
import { subjectLabel } from './subject-label.js';

const ROWS: Record<ChartKind, (entity: Entity, stats: StatisticsAccumulator) => ChartRows> = {
  histogram: histogramRows,
  boxplot: boxplotRows,
  violin: densityRows,
  'subject-averages': averageRows,
};

export type DrawnChart =
  | { format: 'svg'; contentType: 'image/svg+xml; charset=utf-8'; text: string }
  | { format: 'png'; contentType: 'image/png'; bytes: Buffer }
  | { format: 'vega'; contentType: 'application/vnd.vegalite.v6+json'; spec: object };

/** One chart of an entity's statistics (already accumulated), in the requested format. */
export async function drawChart(entity: Entity, stats: StatisticsAccumulator, kind: ChartKind, format: ChartFormat, scope?: string): Promise<DrawnChart> {
  const declaration = entity.statistics!;
  const spec = chartSpec(kind, ROWS[kind](entity, stats), {
    count: stats.result(0).count,
    scope,
    scale: declaration.scale,
    subjects: declaration.scores.map(subjectLabel),
  });
  if (format === 'vega') return { format, contentType: 'application/vnd.vegalite.v6+json', spec };
  // vega, vega-lite and resvg (~1 MB and a native addon) load with the first drawn chart: a spec needs none of them.
  const { rasterise, renderSvg } = await import('./render-chart.js');
  const svg = await renderSvg(spec);
  if (format === 'svg') return { format, contentType: 'image/svg+xml; charset=utf-8', text: svg };
  return { format, contentType: 'image/png', bytes: rasterise(svg) };
}
