import type { Entity } from '../entity/define-entity.js';
import type { EntityStatistics } from './entity-statistics.js';
import type { NumericSummary } from './value-histogram.js';

const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100 + 1e-9) / 100);

/** `math_score` → `math`: the subject keys of the original API. */
export const subjectKey = (field: string) => field.replace(/_score$/, '');

/**
 * The statistics answer: `total_<entity>`, per-subject summaries keyed like the original
 * API (`math`, `literature`, `english`), figures rounded to 2 dp like `average_score`.
 */
export function statisticsView(entity: Entity, stats: EntityStatistics) {
  const groupBy = entity.statistics?.groupBy;
  const summary = (s: NumericSummary) => ({
    count: s.count,
    mean: round2(s.mean),
    median: round2(s.median),
    std: round2(s.std),
    min: s.min,
    max: s.max,
    q1: round2(s.q1),
    q3: round2(s.q3),
  });
  return {
    [`total_${entity.name}`]: stats.count,
    subjects: Object.fromEntries(Object.entries(stats.subjects).map(([field, s]) => [subjectKey(field), summary(s)])),
    overall_average: round2(stats.overall_average),
    grade_distribution: stats.grade_distribution,
    ungraded: stats.ungraded,
    ...(groupBy
      ? {
          [`${entity.name}_per_${groupBy}`]: stats.top_groups.map((group) => ({ [groupBy]: group.value, count: group.count })),
          [`distinct_${groupBy}s`]: stats.distinct_groups,
        }
      : {}),
  };
}
