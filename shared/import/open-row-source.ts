import type { Entity } from '../entity/define-entity.js';
import type { ByteSource } from './byte-source.js';
import { csvRowSource } from './csv/csv-row-source.js';
import { formatOf } from './import-format.js';
import { ImportFileError, ImportLimitError } from './import.errors.js';
import { formatBytes, importLimits, type ImportLimits } from './import-limits.js';
import type { RowSource, SourceRange } from './source-row.js';
import { xlsxRowSource } from './xlsx/xlsx-row-source.js';

export { formatOf, type ImportFormat } from './import-format.js';

/**
 * The row source for a stored file: its size checked against the limit first, then CSV or
 * XLSX by name (the readers themselves refuse content of the other kind with a clear message).
 */
export function openRowSource(bytes: ByteSource, options: { name: string; entity: Entity; limits?: Partial<ImportLimits>; range?: SourceRange }): RowSource {
  const limits = importLimits(options.limits);
  const format = formatOf(options.name);
  if (!format) throw new ImportFileError('wrongFormat', `Only .csv and .xlsx files can be imported; '${options.name}' is neither.`);
  if (bytes.size > limits.maxBytes) {
    throw new ImportLimitError('bytes', `The file is ${formatBytes(bytes.size)}, over the ${formatBytes(limits.maxBytes)} limit for one import.`, {
      bytes: bytes.size,
      maxBytes: limits.maxBytes,
    });
  }
  if (format === 'csv') {
    if (options.range && options.range.kind !== 'bytes') throw new Error('a CSV chunk is a byte range');
    return csvRowSource(bytes, { limits, range: options.range });
  }
  if (options.range && options.range.kind !== 'rows') throw new Error('an XLSX chunk is a row range');
  return xlsxRowSource(bytes, { limits, range: options.range, sheet: options.entity.import?.sheet ?? options.entity.name });
}
