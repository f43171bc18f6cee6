import type { Writable } from 'node:stream';
import type { ExportColumn } from './export-columns.js';
import { writeChunk } from './write-chunk.js';
import { xmlText } from './xml-text.js';

export interface XmlNames {
  /** Root element (`students`). */
  root: string;
  /** One element per item (`student`). */
  item: string;
}

const CHUNK_CHARS = 64 * 1024;

/**
 * Streams items as a UTF-8 XML document: `<root><item><field>…</field>…</item>…</root>`,
 * one child per column in column order; null is an empty element with `nil="true"`.
 * Resolves with the number of items written.
 */
export async function writeXml(
  items: AsyncIterable<Record<string, unknown>>,
  columns: readonly ExportColumn[],
  out: Writable,
  names: XmlNames,
): Promise<number> {
  let chunk = `<?xml version="1.0" encoding="UTF-8"?>\n<${names.root}>\n`;
  let rows = 0;
  for await (const item of items) {
    chunk += `  <${names.item}>`;
    for (const column of columns) chunk += xmlElement(column.field, item[column.field]);
    chunk += `</${names.item}>\n`;
    rows++;
    if (chunk.length >= CHUNK_CHARS) {
      await writeChunk(out, chunk);
      chunk = '';
    }
  }
  await writeChunk(out, `${chunk}</${names.root}>\n`);
  return rows;
}

function xmlElement(name: string, value: unknown): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return `<${name} nil="true"/>`;
  return `<${name}>${xmlText(String(value))}</${name}>`;
}
