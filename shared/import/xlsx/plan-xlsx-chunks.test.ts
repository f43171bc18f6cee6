import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { bufferByteSource } from '../byte-source.js';
import { ImportLimitError } from '../import.errors.js';
import { importLimits } from '../import-limits.js';
import { declaredLastRow, planXlsxChunks, xlsxRowChunks } from './plan-xlsx-chunks.js';
import { xlsxRowSource } from './xlsx-row-source.js';

async function workbook(sheets: { name: string; rows: unknown[][] }[]): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (chunk: Buffer) => parts.push(chunk));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: true });
  for (const sheet of sheets) {
    const worksheet = writer.addWorksheet(sheet.name);
    for (const row of sheet.rows) worksheet.addRow(row).commit();
    worksheet.commit();
  }
  await writer.commit();
  return Buffer.concat(parts);
}

/** A workbook from exceljs's in-memory writer, which (unlike its streaming writer) writes `<dimension ref>`. */
async function workbookWithDimension(sheets: { name: string; rows: unknown[][] }[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const sheet of sheets) book.addWorksheet(sheet.name).addRows(sheet.rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const roster = (rows: number) => [['Student ID', 'First Name'], ...Array.from({ length: rows }, (_, i) => [`S${i}`, `First ${i}`])];

describe('xlsxRowChunks', () => {
  it('cuts the rows after the header into ceil(size / target) equal spans, the last one ending past the last row', () => {
    const chunks = xlsxRowChunks(1, 201, 1_000, 100);
    expect(chunks).toHaveLength(10);
    expect(chunks.map((chunk) => [chunk.firstRow, chunk.endRow])).toEqual(Array.from({ length: 10 }, (_, i) => [2 + 20 * i, 22 + 20 * i]));
    // Consecutive shares of the file for progress: from 0 to its size.
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(1_000);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBe(chunks[i - 1]!.end);
    expect(chunks[5]!.start).toBe(500);
  });

  it('rounds the span up, so the last chunk is the short one', () => {
    const chunks = xlsxRowChunks(3, 25, 300, 100);
    expect(chunks.map((chunk) => [chunk.firstRow, chunk.endRow])).toEqual([
      [4, 12],
      [12, 20],
      [20, 26],
    ]);
  });

  it('never plans more chunks than rows, and fewer than two is no plan', () => {
    expect(xlsxRowChunks(1, 4, 10_000, 1)).toHaveLength(3);
    expect(xlsxRowChunks(1, 100, 1_000, 1_000)).toEqual([]);
    expect(xlsxRowChunks(1, 2, 1_000, 1)).toEqual([]);
    expect(xlsxRowChunks(0, 0, 1_000, 1)).toEqual([]);
  });
});

describe('planXlsxChunks', () => {
  it('counts the rows of the sheet an import reads and its chunks read every data row exactly once', async () => {
    const file = await workbook([
      { name: 'Notes', rows: [['a'], ['b']] },
      { name: 'Students', rows: roster(95) },
    ]);
    const bytes = bufferByteSource(file, 4 * 1024);
    const plan = await planXlsxChunks(bytes, { limits: importLimits(), sheet: 'students', targetBytes: Math.ceil(file.length / 4) });
    expect(plan).toMatchObject({ dataRows: 95, counted: 'pass' });
    expect(plan.chunks.map((chunk) => [chunk.firstRow, chunk.endRow])).toEqual([
      [2, 26],
      [26, 50],
      [50, 74],
      [74, 97],
    ]);
    // What a worker reads: the sheet from its start up to the row before end_row, keeping rows ≥ first_row.
    const seen: number[] = [];
    for (const chunk of plan.chunks) {
      for await (const block of xlsxRowSource(bytes, { limits: importLimits(), sheet: 'students', range: { kind: 'rows', from: 0, to: chunk.endRow - 1 } })) {
        for (const row of block) if (row.row >= chunk.firstRow) seen.push(row.row);
      }
    }
    expect(seen).toEqual(Array.from({ length: 95 }, (_, i) => i + 2));
  });

  it('a small workbook makes no plan', async () => {
    const file = await workbook([{ name: 'Students', rows: roster(10) }]);
    expect((await planXlsxChunks(bufferByteSource(file), { limits: importLimits(), targetBytes: file.length })).chunks).toEqual([]);
  });

  it('keeps the reader’s zip-bomb limits', async () => {
    const file = await workbook([{ name: 'Students', rows: roster(50) }]);
    await expect(planXlsxChunks(bufferByteSource(file), { limits: importLimits({ maxUncompressedBytes: 1_000 }), targetBytes: 10 })).rejects.toBeInstanceOf(
      ImportLimitError,
    );
  });

  it('takes the row count from the sheet’s <dimension> without a count pass, the last chunk open-ended', async () => {
    const file = await workbookWithDimension([
      { name: 'Notes', rows: [['a'], ['b']] },
      { name: 'Students', rows: roster(95) },
    ]);
    const bytes = bufferByteSource(file, 4 * 1024);
    const plan = await planXlsxChunks(bytes, { limits: importLimits(), sheet: 'students', targetBytes: Math.ceil(file.length / 4) });
    expect(plan).toMatchObject({ dataRows: 95, counted: 'dimension' });
    expect(plan.chunks.map((chunk) => [chunk.firstRow, chunk.endRow])).toEqual([
      [2, 26],
      [26, 50],
      [50, 74],
      [74, Number.MAX_SAFE_INTEGER],
    ]);
    const seen: number[] = [];
    for (const chunk of plan.chunks) {
      for await (const block of xlsxRowSource(bytes, { limits: importLimits(), sheet: 'students', range: { kind: 'rows', from: 0, to: chunk.endRow - 1 } })) {
        for (const row of block) if (row.row >= chunk.firstRow) seen.push(row.row);
      }
    }
    expect(seen).toEqual(Array.from({ length: 95 }, (_, i) => i + 2));
  });

  it('counts instead when the dimension is over the row limit, so the limit is checked on real rows', async () => {
    const file = await workbookWithDimension([{ name: 'Students', rows: roster(95) }]);
    const plan = await planXlsxChunks(bufferByteSource(file), { limits: importLimits({ maxRows: 90 }), targetBytes: Math.ceil(file.length / 4) });
    expect(plan).toMatchObject({ dataRows: 95, counted: 'pass' });
  });
});

describe('declaredLastRow', () => {
  const limits = importLimits({ maxRows: 1_000_000 });
  const sheet = (dimension: string | undefined, xmlBytes = 1_000) => ({ name: 'Students', xmlBytes, dimension });

  it.each([
    ['A1:E200001', 200_001],
    ['$A$1:$H$96', 96],
    ['B3:XFD999999', 999_999],
  ])('reads %s as last row %d', (dimension, last) => {
    expect(declaredLastRow(sheet(dimension), 1, limits)).toBe(last);
  });

  it.each([
    ['absent', sheet(undefined)],
    ['a single cell (what some writers leave)', sheet('A1')],
    ['not a range', sheet('A1:E')],
    ['past Excel’s last row', sheet('A1:E1048577')],
    ['over the row limit', sheet('A1:E1000002')],
    ['far too few rows for the XML (stale)', sheet('A1:E20', 20 * 1_000_000)],
  ])('distrusts a dimension that is %s', (_, info) => {
    expect(declaredLastRow(info, 1, limits)).toBeUndefined();
  });

  it('distrusts a last row at or before the header', () => {
    expect(declaredLastRow(sheet('A1:E5'), 5, limits)).toBeUndefined();
    expect(declaredLastRow(undefined, 1, limits)).toBeUndefined();
  });
});
