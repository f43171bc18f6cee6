/**
 * The names `format=` takes, without the writers behind them: route schemas import these
 * without pulling exceljs into their bundles (shared/export/export-formats.ts holds the writers).
 */
export const EXPORT_FORMAT_NAMES = ['csv', 'xlsx', 'xml'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];
