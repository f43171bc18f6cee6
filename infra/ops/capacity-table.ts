import type { CapacityReport } from '../../shared/store/dynamodb/capacity-model.js';
import { PARTITION_RCU_LIMIT, PARTITION_WCU_LIMIT } from '../../shared/store/dynamodb/table-design.js';

/** The capacity report as a fixed-width table plus the load-time arithmetic. */
export function formatCapacity(report: CapacityReport, rate: number): string {
  const rows = report.lines.map((line) => [
    line.flagged ? '✗' : ' ',
    `${line.kind} ${line.name}`,
    line.hottestKey.length > 28 ? `${line.hottestKey.slice(0, 27)}…` : line.hottestKey,
    line.hottestWcuPerSecond.toFixed(0),
    line.hottestRcuPerSecond.toFixed(0),
    line.wcuPerRow.toFixed(2),
  ]);
  const header = ['', 'target', 'hottest key', 'WCU/s', 'RCU/s', 'WCU/row'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  return [
    format(header),
    ...rows.map(format),
    '',
    `${report.rows} rows at ${rate}/s: ${report.wcuPerRow.toFixed(2)} WCU per row, ${(report.wcuPerRow * rate).toFixed(0)} WCU/s table-wide; load time ${report.loadSeconds.toFixed(1)} s`,
    report.flagged.length === 0
      ? `no partition above ${PARTITION_WCU_LIMIT} WCU/s or ${PARTITION_RCU_LIMIT} RCU/s`
      : `FLAGGED: ${report.flagged.length} target(s) with a partition above ${PARTITION_WCU_LIMIT} WCU/s or ${PARTITION_RCU_LIMIT} RCU/s`,
  ].join('\n');
}
