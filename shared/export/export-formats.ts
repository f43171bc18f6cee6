import type { Writable } from 'node:stream';
import type { Entity } from '../entity/define-entity.js';
import type { ExportFormatName } from './export-format-names.js';
import { writeCsv } from './csv-writer.js';
import { exportColumns } from './export-columns.js';
import { exportSummary } from './export-summary.js';
import { writeXml } from './xml-writer.js';

type Items = AsyncIterable<Record<string, unknown>>;

export interface ExportFormat {
  contentType: string;
  extension: string;
  /** Binary bodies travel base64-encoded through API Gateway (4/3 the size). */
  binary: boolean;
  /** Writes every item; resolves with the row count. May or may not end `out`. */
  write(entity: Entity, items: Items, out: Writable): Promise<number>;
}

/** Every export format, by the name `format=` takes. */
export const EXPORT_FORMATS = {
  csv: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    binary: false,
    // The BOM makes Excel read the file as UTF-8 (accents intact); papaparse and most tools skip it.
    write: (entity, items, out) => writeCsv(items, exportColumns(entity), out, { bom: true }),
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    binary: true,
    // exceljs (~1 MB) is loaded by the first XLSX export, not at every cold start of the export function.
    write: async (entity, items, out) => {
      const { writeXlsx } = await import('./xlsx-writer.js');
      return writeXlsx(items, exportColumns(entity), out, {
        sheetName: entity.export!.sheetName,
        summary: entity.statistics ? exportSummary(entity) : undefined,
      });
    },
  },
  xml: {
    contentType: 'application/xml; charset=utf-8',
    extension: 'xml',
    binary: false,
    write: (entity, items, out) => writeXml(items, exportColumns(entity), out, { root: entity.name, item: entity.singular }),
  },
} satisfies Record<ExportFormatName, ExportFormat>;

export { EXPORT_FORMAT_NAMES, type ExportFormatName } from './export-format-names.js';
