import type { Entity } from '../entity/define-entity.js';
import { createStatisticsAccumulator } from '../statistics/entity-statistics.js';
import type { SheetSummary } from './xlsx-writer.js';

/**
 * The XLSX `Summary` sheet of the original system: Total Students, Average Score (mean of
 * the overall values, 2 dp) and one row per grade band, accumulated while the rows stream.
 */
export function exportSummary(entity: Entity): SheetSummary {
  const stats = createStatisticsAccumulator(entity);
  const plural = entity.name.charAt(0).toUpperCase() + entity.name.slice(1);
  return {
    sheetName: 'Summary',
    observe: (item) => stats.observe(item),
    rows: () => {
      const result = stats.result(0);
      const average = result.overall_average === null ? null : Math.round(result.overall_average * 100 + 1e-9) / 100;
      return [
        [`Total ${plural}`, result.count],
        ['Average Score', average],
        ...Object.entries(result.grade_distribution).map(([band, count]) => [band, count] as const),
      ];
    },
  };
}
