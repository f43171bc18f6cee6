import { catalogueEntries } from './metric-catalogue.js';

/** The metric catalogue as a Markdown table (docs/observability.md holds it). */
export function catalogueTable(): string {
  const rows = catalogueEntries().map((entry) =>
    [
      `\`${entry.name}\``,
      entry.unit,
      ['service', ...(entry.dimensions ?? [])].map((dimension) => `\`${dimension}\``).join(', '),
      entry.group,
      entry.description,
      entry.alarm ? `≥ ${entry.alarm.threshold ?? 1} per 5 min` : '',
    ].join(' | '),
  );
  return ['| Metric | Unit | Dimensions | Row | Meaning | Alarm |', '| --- | --- | --- | --- | --- | --- |', ...rows.map((row) => `| ${row} |`)].join('\n');
}
