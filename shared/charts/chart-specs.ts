import type { TopLevelSpec } from 'vega-lite';
import type { ChartKind } from './chart-kind.js';
import type { ChartRows } from './chart-data.js';
import { chartConfig } from './chart-theme.js';

export interface ChartContext {
  /** Items counted, for the subtitle. */
  count: number;
  /** The filter applied, if any (`Hometown: Huế`). */
  scope?: string;
  scale: { min: number; max: number };
  /** Subject labels in declared order (Math, Literature, English): same order and colours in every chart. */
  subjects: readonly string[];
}

/** The label of the overall average among the subjects. */
export const OVERALL = 'Overall';

const subtitle = (context: ChartContext) => `${context.count} students${context.scope ? ` · ${context.scope}` : ''}`;

/** The vega-lite spec of one chart kind over its precomputed rows. */
export function chartSpec(kind: ChartKind, rows: ChartRows, context: ChartContext): TopLevelSpec {
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: chartConfig, data: { values: rows } } as const;
  const scoreScale = { domain: [context.scale.min, context.scale.max], nice: false, zero: false };
  const order = [...context.subjects, OVERALL];
  const subjectColor = { field: 'subject', type: 'nominal', title: 'Subject', sort: order, scale: { domain: order } } as const;
  const subjectAxis = { field: 'subject', type: 'nominal', title: 'Subject', sort: order, axis: { labelAngle: 0 } } as const;
  switch (kind) {
    case 'histogram':
      return {
        ...base,
        title: { text: 'Score distribution by subject', subtitle: subtitle(context) },
        width: 640,
        height: 340,
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          x: { field: 'bin_start', type: 'ordinal', title: 'Score range', axis: { labelExpr: "datum.value + '–' + (datum.value + 1)", labelAngle: 0 } },
          xOffset: { field: 'subject', type: 'nominal', sort: order },
          // Whole students only: no 0.5 ticks on small rosters.
          y: { field: 'count', type: 'quantitative', title: 'Students', axis: { tickMinStep: 1, format: 'd' } },
          color: { ...subjectColor, legend: { values: [...context.subjects] } },
          tooltip: [{ field: 'subject' }, { field: 'bin_start', title: 'from' }, { field: 'bin_end', title: 'to' }, { field: 'count' }],
        },
      };
    case 'boxplot':
      return {
        ...base,
        title: { text: 'Scores by subject (min, quartiles, median, max)', subtitle: subtitle(context) },
        width: 560,
        height: 340,
        encoding: { x: subjectAxis },
        layer: [
          {
            mark: { type: 'rule', strokeWidth: 1.5 },
            encoding: { y: { field: 'min', type: 'quantitative', title: 'Score', scale: scoreScale }, y2: { field: 'max' } },
          },
          {
            mark: { type: 'bar', size: 48, stroke: '#333', strokeWidth: 1 },
            encoding: { y: { field: 'q1', type: 'quantitative' }, y2: { field: 'q3' }, color: { ...subjectColor, legend: null } },
          },
          { mark: { type: 'tick', size: 48, thickness: 2.5, color: 'white' }, encoding: { y: { field: 'median', type: 'quantitative' } } },
          { mark: { type: 'point', shape: 'diamond', filled: true, color: '#222', size: 50 }, encoding: { y: { field: 'mean', type: 'quantitative' } } },
        ],
      };
    case 'violin':
      return {
        ...base,
        title: { text: 'Score density by subject', subtitle: subtitle(context) },
        width: 170,
        height: 340,
        mark: { type: 'area', orient: 'horizontal', opacity: 0.85 },
        encoding: {
          y: { field: 'value', type: 'quantitative', title: 'Score', scale: scoreScale },
          x: {
            field: 'density',
            type: 'quantitative',
            stack: 'center',
            impute: null,
            title: null,
            axis: { labels: false, grid: false, ticks: false, values: [0] },
          },
          color: { ...subjectColor, legend: null },
          column: { field: 'subject', type: 'nominal', title: null, sort: order, spacing: 8, header: { labelOrient: 'bottom' } },
        },
      } as TopLevelSpec;
    case 'subject-averages':
      return {
        ...base,
        title: { text: 'Average score by subject', subtitle: subtitle(context) },
        width: 520,
        height: 320,
        encoding: {
          x: subjectAxis,
          y: { field: 'mean', type: 'quantitative', title: 'Average score', scale: { domain: [context.scale.min, context.scale.max] } },
        },
        layer: [
          { mark: { type: 'bar', size: 56 }, encoding: { color: { ...subjectColor, legend: null } } },
          { mark: { type: 'text', dy: -8, fontSize: 13, fontWeight: 'bold' }, encoding: { text: { field: 'mean', type: 'quantitative', format: '.2f' } } },
        ],
      };
  }
}
