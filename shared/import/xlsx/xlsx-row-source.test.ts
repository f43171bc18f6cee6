import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { bufferByteSource, type ByteRange, type ByteSource } from '../byte-source.js';
import { ImportFileError, ImportLimitError } from '../import.errors.js';
import { importLimits } from '../import-limits.js';
import type { SourceRow } from '../source-row.js';
import { cellText } from './cell-text.js';
import { xlsxRowSource, type XlsxSourceOptions } from './xlsx-row-source.js';
import { zipOf } from './zip-fixture.js';

const limits = importLimits();

/** Writes a workbook with the exceljs streaming writer, waiting for drain so memory stays flat. */
async function workbook(sheets: { name: string; rows: unknown[][]; dateColumn?: number }[], useSharedStrings = true): Promise<Buffer> {
  const out = new PassThrough();
  const parts: Buffer[] = [];
  out.on('data', (chunk: Buffer) => parts.push(chunk));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings, useStyles: true });
  for (const sheet of sheets) {
    const worksheet = writer.addWorksheet(sheet.name);
    if (sheet.dateColumn) worksheet.getColumn(sheet.dateColumn).numFmt = 'yyyy-mm-dd';
    for (const row of sheet.rows) worksheet.addRow(row).commit();
    worksheet.commit();
  }
  await writer.commit();
  return Buffer.concat(parts);
}

async function read(bytes: Buffer | ByteSource, options: Partial<XlsxSourceOptions> = {}): Promise<SourceRow[]> {
  const source = xlsxRowSource(Buffer.isBuffer(bytes) ? bufferByteSource(bytes, 16 * 1024) : bytes, { limits, ...options });
  const rows: SourceRow[] = [];
  for await (const block of source) rows.push(...block);
  return rows;
}

async function failure(bytes: Buffer | ByteSource, options: Partial<XlsxSourceOptions> = {}): Promise<Error> {
  const error = await read(bytes, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const SYLLABLES = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
  'Thị',
  'Văn',
  'Hương',
  'Phượng',
  'Quỳnh',
  'Nguyệt',
  'Thuỷ',
  'Ánh',
  'Đức',
  'Khôi',
  'Zoë',
  'Łukasz',
  'Søren',
  'Ærøskøbing',
  '東京',
  '😀',
];

function accentedName(i: number): string {
  // Unique per row, so shared strings cannot collapse the text into a few entries.
  return `${Array.from({ length: 3 + (i % 4) }, (_, k) => SYLLABLES[(i * 7 + k * 13 + Math.floor(i / 32)) % SYLLABLES.length]).join(' ')} ${i}`;
}

describe('xlsxRowSource', () => {
  it('reads 20k rows of accented and Vietnamese names back byte for byte', { timeout: 120_000 }, async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`S${i}`, accentedName(i), accentedName(i + 1)]);
    const file = await workbook([{ name: 'Students', rows: [['student_id', 'first_name', 'last_name'], ...rows] }], false);
    const read1 = await read(file);
    expect(read1).toHaveLength(20_001);
    let altered = 0;
    read1.slice(1).forEach((row, i) => {
      if (Buffer.compare(Buffer.from(row.cells.join('\u0000')), Buffer.from(rows[i]!.join('\u0000'))) !== 0) altered++;
    });
    expect(altered).toBe(0);
    expect(read1.map((row) => row.row).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('keeps names intact where the bare exceljs streaming reader garbles them', { timeout: 120_000 }, async () => {
    // Proves the fixture exercises the bug: the stock reader must show U+FFFD on the same bytes.
    const rows = Array.from({ length: 20_000 }, (_, i) => [`S${i}`, accentedName(i)]);
    const file = await workbook([{ name: 'Students', rows }], false);
    const stock = new ExcelJS.stream.xlsx.WorkbookReader(bufferByteSource(file, 16 * 1024).open() as never, { sharedStrings: 'cache', worksheets: 'emit' });
    let garbled = 0;
    for await (const sheet of stock) for await (const row of sheet) if (String(row.getCell(2).value).includes('\ufffd')) garbled++;
    expect(garbled).toBeGreaterThan(0);
    const fixed = await read(file);
    expect(fixed.filter((row) => row.cells[1]!.includes('\ufffd'))).toEqual([]);
    expect(fixed.map((row) => row.cells[1])).toEqual(rows.map((row) => row[1]));
  });

  it('gives formula cells their cached value, numeric ids as text and dates as ISO', async () => {
    const file = await workbook([
      {
        name: 'Sheet1',
        dateColumn: 4,
        rows: [
          ['Student ID', 'Math', 'Total', 'Born'],
          [1001, 8.5, { formula: 'B2*2', result: 17 }, new Date(Date.UTC(2008, 4, 17))],
          [1002, 0.1 + 0.2, { formula: 'B3*2' }, new Date(Date.UTC(2008, 4, 17, 9, 30))],
        ],
      },
    ]);
    const rows = await read(file);
    expect(rows.map((row) => row.cells)).toEqual([
      ['Student ID', 'Math', 'Total', 'Born'],
      ['1001', '8.5', '17', '2008-05-17'],
      ['1002', '0.3', '', '2008-05-17T09:30:00.000Z'],
    ]);
  });

  it('reads the sheet named after the entity when there is one, else the first', async () => {
    const file = await workbook([
      { name: 'Read me', rows: [['notes'], ['hello']] },
      { name: 'Students', rows: [['student_id'], ['S1']] },
    ]);
    expect((await read(file, { sheet: 'students' })).map((row) => row.cells)).toEqual([['student_id'], ['S1']]);
    expect((await read(file, { sheet: 'orders' })).map((row) => row.cells)).toEqual([['notes'], ['hello']]);
    expect((await read(file)).map((row) => row.cells)).toEqual([['notes'], ['hello']]);
  });

  it('reads a row range after the header', async () => {
    const file = await workbook([{ name: 'S', rows: [['id'], ...Array.from({ length: 50 }, (_, i) => [`R${i + 2}`])] }]);
    const rows = await read(file, { range: { kind: 'rows', from: 10, to: 12 } });
    expect(rows.map((row) => [row.row, row.cells[0]])).toEqual([
      [1, 'id'],
      [10, 'R10'],
      [11, 'R11'],
      [12, 'R12'],
    ]);
  });

  it('refuses a zip bomb from its directory, before inflating a byte', async () => {
    const bomb = zipOf([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(40 * 1024 * 1024, 0x20) },
    ]);
    const opened: (ByteRange | undefined)[] = [];
    const inner = bufferByteSource(bomb);
    const spy: ByteSource = { size: inner.size, open: (range) => (opened.push(range), inner.open(range)) };
    const error = await failure(spy, { limits: { ...limits, maxUncompressedBytes: 10 * 1024 * 1024 } });
    expect(error).toBeInstanceOf(ImportLimitError);
    expect((error as ImportLimitError).code).toBe('import.limit.uncompressedBytes');
    expect(error.message).toMatch(/would expand to 40 MB \(limit 10 MB\)/);
    // Only the tail and the directory were read (ranged reads), never the stream to inflate.
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((range) => range !== undefined && range.end !== undefined)).toBe(true);
  });

  it('stops a zip that under-declares its sizes once the inflated bytes pass the limit', async () => {
    const liar = zipOf([
      { name: 'xl/sharedStrings.xml', data: Buffer.alloc(30 * 1024 * 1024, 0x20), declaredSize: 100 },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from('<worksheet/>') },
    ]);
    const error = await failure(liar, { limits: { ...limits, maxUncompressedBytes: 5 * 1024 * 1024 } });
    expect(error).toBeInstanceOf(ImportLimitError);
  });

  it('leaves no temporary file or descriptor behind: sheets skipped, ranges left early, reads failed', async () => {
    // exceljs's writer stores the shared strings after the sheets, so both sheets wait in temporary files.
    const file = await workbook([
      { name: 'Read me', rows: [['notes'], ['hello']] },
      { name: 'Students', rows: [['id'], ...Array.from({ length: 2_000 }, (_, i) => [`R${i + 2}`])] },
    ]);
    const liar = zipOf([
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(8 * 1024 * 1024, 0x20), declaredSize: 100 },
      { name: 'xl/sharedStrings.xml', data: Buffer.from('<sst/>') },
    ]);
    const descriptors = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const previous = process.env.TMPDIR;
    const scratch = mkdtempSync(join(tmpdir(), 'xlsx-reader-test-'));
    process.env.TMPDIR = scratch;
    try {
      const before = descriptors();
      for (let round = 0; round < 10; round++) {
        expect((await read(file, { sheet: 'students', range: { kind: 'rows', from: 5, to: 6 } })).map((row) => row.row)).toEqual([1, 5, 6]);
        expect(await read(file, { sheet: 'students' })).toHaveLength(2_001);
        expect((await read(file)).map((row) => row.cells)).toEqual([['notes'], ['hello']]);
        expect(await failure(liar, { limits: { ...limits, maxUncompressedBytes: 1024 * 1024 } })).toBeInstanceOf(ImportLimitError);
        expect(readdirSync(scratch)).toEqual([]);
      }
      // Streams close on their own schedule: allow a few in flight, not one per read.
      expect(descriptors() - before).toBeLessThan(5);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('refuses too many zip entries', async () => {
    const many = zipOf(Array.from({ length: 30 }, (_, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: Buffer.from('<worksheet/>') })));
    const error = await failure(many, { limits: { ...limits, maxZipEntries: 20 } });
    expect((error as ImportLimitError).code).toBe('import.limit.zipEntries');
  });

  it('refuses a CSV or garbage named .xlsx as not a workbook', async () => {
    const error = await failure(Buffer.from('student_id,first_name\nS1,Ana\n'));
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('import.wrongFormat');
  });
});

describe('cellText', () => {
  it.each([
    [null, ''],
    [1001, '1001'],
    [8.5, '8.5'],
    [0.1 + 0.2, '0.3'],
    [true, 'TRUE'],
    [{ formula: 'A1', result: 'x' }, 'x'],
    [{ sharedFormula: 'A1', result: 3 }, '3'],
    [{ richText: [{ text: 'Lê ' }, { text: 'Văn' }] }, 'Lê Văn'],
    [{ text: 'mail', hyperlink: 'mailto:a@b.c' }, 'mail'],
    [{ error: '#N/A' }, ''],
    [new Date(Date.UTC(2024, 0, 2)), '2024-01-02'],
  ])('renders %j as %j', (value, text) => {
    expect(cellText(value)).toBe(text);
  });
});
