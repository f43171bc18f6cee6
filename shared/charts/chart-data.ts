import type { Entity } from '../entity/define-entity.js';
import type { StatisticsAccumulator } from '../statistics/entity-statistics.js';
import type { ValueHistogram } from '../statistics/value-histogram.js';
import { OVERALL } from './chart-specs.js';
import { subjectLabel } from './subject-label.js';

/** Rows a chart spec draws from: computed from the accumulator, never from the items. */
export type ChartRows = Record<string, string | number | null>[];

/** Equal-width bins over the declared scale; the last bin includes the maximum (10). */
export function histogramRows(entity: Entity, stats: StatisticsAccumulator, binWidth = 1): ChartRows {
  const { min, max } = entity.statistics!.scale;
  const bins = Math.ceil((max - min) / binWidth);
  return entity.statistics!.scores.flatMap((field) => {
    const counts = new Array<number>(bins).fill(0);
    for (const [value, count] of stats.histogram(field).entries()) {
      const index = Math.min(bins - 1, Math.max(0, Math.floor((value - min) / binWidth)));
      counts[index]! += count;
    }
    return counts.map((count, i) => ({ subject: subjectLabel(field), bin_start: min + i * binWidth, bin_end: min + (i + 1) * binWidth, count }));
  });
}

/** Five-number summaries per subject (subjects without scores are left out). */
export function boxplotRows(entity: Entity, stats: StatisticsAccumulator): ChartRows {
  return entity.statistics!.scores.flatMap((field) => {
    const s = stats.histogram(field).summary();
    if (s.count === 0) return [];
    return [{ subject: subjectLabel(field), min: s.min, q1: s.q1, median: s.median, q3: s.q3, max: s.max, mean: s.mean, count: s.count }];
  });
}

/** Mean per subject plus the overall average, for the averages bar chart. */
export function averageRows(entity: Entity, stats: StatisticsAccumulator): ChartRows {
  const declaration = entity.statistics!;
  return [...declaration.scores, declaration.overall].map((field) => {
    const mean = stats.histogram(field).summary().mean;
    return { subject: field === declaration.overall ? OVERALL : subjectLabel(field), mean: mean === null ? null : Math.round(mean * 100) / 100 };
  });
}

/**
 * Gaussian kernel density per subject, evaluated on a grid over the scale. The kernel runs
 * over distinct values weighted by their counts, so it costs O(distinct × grid), not O(items).
 * Bandwidth: Scott's rule (1.06·σ·n^-1/5), floored so a single repeated value still shows.
 */
export function densityRows(entity: Entity, stats: StatisticsAccumulator, steps = 60): ChartRows {
  const { min, max } = entity.statistics!.scale;
  return entity.statistics!.scores.flatMap((field) => {
    const histogram = stats.histogram(field);
    if (histogram.count === 0) return [];
    const bandwidth = scottBandwidth(histogram, (max - min) / 40);
    const entries = histogram.entries();
    return Array.from({ length: steps + 1 }, (_, i) => {
      const value = min + ((max - min) * i) / steps;
      let density = 0;
      for (const [x, count] of entries) density += count * gaussian((value - x) / bandwidth);
      return { subject: subjectLabel(field), value, density: density / (histogram.count * bandwidth) };
    });
  });
}

function scottBandwidth(histogram: ValueHistogram, floor: number): number {
  const { std } = histogram.summary();
  return Math.max(floor, 1.06 * (std ?? 0) * histogram.count ** -0.2);
}

function gaussian(u: number): number {
  return Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
}
