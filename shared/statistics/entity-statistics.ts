import type { Entity, StatisticsDeclaration } from '../entity/define-entity.js';
import { filterValue } from '../entity/filter-value.js';
import { type NumericSummary, ValueHistogram } from './value-histogram.js';

/** Distinct group values shown (students per hometown: top 20). */
export const TOP_GROUPS = 20;

export interface EntityStatistics {
  count: number;
  /** Per declared score field, nulls excluded. */
  subjects: Record<string, NumericSummary>;
  /** Mean of the per-item overall values (average_score), nulls excluded. */
  overall_average: number | null;
  /** Items per band (grade), every declared band present; `ungraded` have no band. */
  grade_distribution: Record<string, number>;
  ungraded: number;
  /** Largest groups first (ties by name); matched case-insensitively, shown as first seen. */
  top_groups: { value: string; count: number }[];
  /** Distinct non-empty group values seen. */
  distinct_groups: number;
}

/**
 * One streaming pass over an entity's items: `observe` each, then `result()`. Memory is a
 * histogram per score (bounded by the scores' precision) and one counter per group value.
 */
export function createStatisticsAccumulator(entity: Entity) {
  const declaration: StatisticsDeclaration | undefined = entity.statistics;
  if (!declaration) throw new Error(`${entity.name} declares no statistics`);
  const histograms = new Map(declaration.scores.map((field) => [field, new ValueHistogram()]));
  const overall = new ValueHistogram();
  const bands = new Map(declaration.bands.values.map((band) => [band, 0]));
  const groups = new Map<string, { value: string; count: number }>();
  let count = 0;
  let ungraded = 0;

  return {
    /** Feeds one item (a response view). */
    observe(item: Record<string, unknown>): void {
      count++;
      for (const [field, histogram] of histograms) {
        const value = item[field];
        if (typeof value === 'number' && Number.isFinite(value)) histogram.add(value);
      }
      const average = item[declaration.overall];
      if (typeof average === 'number' && Number.isFinite(average)) overall.add(average);
      const band = item[declaration.bands.field];
      if (typeof band === 'string' && bands.has(band)) bands.set(band, bands.get(band)! + 1);
      else ungraded++;
      if (declaration.groupBy) {
        const raw = item[declaration.groupBy];
        const key = filterValue(raw);
        if (key) {
          const group = groups.get(key);
          if (group) group.count++;
          else groups.set(key, { value: String(raw).trim(), count: 1 });
        }
      }
    },

    result(top = TOP_GROUPS): EntityStatistics {
      return {
        count,
        subjects: Object.fromEntries([...histograms].map(([field, histogram]) => [field, histogram.summary()])),
        overall_average: overall.summary().mean,
        grade_distribution: Object.fromEntries(bands),
        ungraded,
        top_groups: [...groups.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, top),
        distinct_groups: groups.size,
      };
    },

    /** The histogram of one score field (charts bin from it without a second pass). */
    histogram(field: string): ValueHistogram {
      const histogram = histograms.get(field) ?? (field === declaration.overall ? overall : undefined);
      if (!histogram) throw new Error(`${entity.name}: '${field}' is not a statistics field`);
      return histogram;
    },
  };
}

export type StatisticsAccumulator = ReturnType<typeof createStatisticsAccumulator>;

/** Feeds every item of a stream into a fresh accumulator. */
export async function accumulateStatistics(entity: Entity, items: AsyncIterable<Record<string, unknown>>): Promise<StatisticsAccumulator> {
  const stats = createStatisticsAccumulator(entity);
  for await (const item of items) stats.observe(item);
  return stats;
}
