import { isMetricName, type MetricName } from './metric-catalogue.js';

/** The catalogue metrics an entity's API writes count into. */
export interface EntityWriteMetrics {
  created: MetricName;
  updated: MetricName;
  deleted: MetricName;
}

/**
 * `students` → StudentsCreated / StudentsUpdated / StudentsDeleted. Throws at cold start
 * when an entity's metrics are missing from the catalogue, so a new entity cannot emit
 * undeclared names (test/observability checks every registered entity).
 */
export function entityWriteMetrics(entityName: string): EntityWriteMetrics {
  const base = entityName.replace(/(^|[_-])(\w)/g, (_m, _sep, ch: string) => ch.toUpperCase());
  const named = (suffix: string): MetricName => {
    const name = `${base}${suffix}`;
    if (!isMetricName(name)) throw new Error(`metric ${name} is not declared in shared/observability/metric-catalogue.ts`);
    return name;
  };
  return { created: named('Created'), updated: named('Updated'), deleted: named('Deleted') };
}
