import { describe, expect, it } from 'vitest';
import { bufferByteSource } from '../byte-source.js';
import { ImportFileError } from '../import.errors.js';
import { importLimits } from '../import-limits.js';
import type { SourceRow } from '../source-row.js';
import { csvRowSource } from './csv-row-source.js';
import { planCsvChunks } from './plan-csv-chunks.js';

const limits = importLimits();

async function read(bytes: Uint8Array | string, chunkSize = 7, overrides = {}): Promise<SourceRow[]> {
  const source = csvRowSource(bufferByteSource(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, chunkSize), { limits: { ...limits, ...overrides } });
  const rows: SourceRow[] = [];
  for await (const block of source) rows.push(...block);
  return rows;
}

async function failure(bytes: Uint8Array | string, overrides = {}): Promise<ImportFileError> {
  const error = await read(bytes, 64 * 1024, overrides).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return error as ImportFileError;
}

describe('csvRowSource', () => {
  it('reads comma CSV with LF, header first, numbering rows like a spreadsheet', async () => {
    const rows = await read('id,name\n1,Ana\n2,Bình\n');
    expect(rows.map((row) => [row.row, row.cells])).toEqual([
      [1, ['id', 'name']],
      [2, ['1', 'Ana']],
      [3, ['2', 'Bình']],
    ]);
  });

  it.each([
    ['semicolon', 'id;name;score\n1;Ana;8,5\n', ['1', 'Ana', '8,5']],
    ['tab', 'id\tname\tscore\n1\tAna\t8.5\n', ['1', 'Ana', '8.5']],
    ['comma with semicolons in a quoted heading', '"a;b",name,x\n1,Ana,2\n', ['1', 'Ana', '2']],
  ])('detects the %s delimiter', async (_name, text, expected) => {
    const rows = await read(text);
    expect(rows[1]!.cells).toEqual(expected);
  });

  it('drops a UTF-8 BOM and reads CRLF line ends', async () => {
    const rows = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\r\n1,Đặng Thị Hương\r\n2,Zoë\r\n')]), 3);
    expect(rows.map((row) => row.cells)).toEqual([
      ['id', 'name'],
      ['1', 'Đặng Thị Hương'],
      ['2', 'Zoë'],
    ]);
  });

  it('keeps quoted fields with line breaks, delimiters and escaped quotes as one row', async () => {
    const rows = await read('id,note,name\r\n1,"line one\r\nline two, still",Ana\r\n2,"say ""hi""",Bo\r\n3,x,"ends\nhere"');
    expect(rows.map((row) => [row.row, row.cells])).toEqual([
      [1, ['id', 'note', 'name']],
      [2, ['1', 'line one\nline two, still', 'Ana']],
      [3, ['2', 'say "hi"', 'Bo']],
      [4, ['3', 'x', 'ends\nhere']],
    ]);
  });

  it('gives each row the byte offset just after it', async () => {
    const text = 'id,name\n1,Ánh\n2,"a\nb"\n';
    const rows = await read(text, 2);
    const bytes = Buffer.from(text);
    expect(rows.map((row) => row.endByte)).toEqual([8, 8 + Buffer.byteLength('1,Ánh\n'), bytes.length]);
  });

  it('refuses an empty file', async () => {
    expect((await failure('')).code).toBe('import.empty');
  });

  it('refuses binary garbage named .csv', async () => {
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    const error = await failure(garbage);
    expect(error.code).toBe('import.binary');
    expect(error.message).toMatch(/binary data.*not a CSV text file/);
  });

  it('refuses an XLSX uploaded as .csv, saying so', async () => {
    const error = await failure(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]));
    expect(error.code).toBe('import.wrongFormat');
  });

  it('refuses Latin-1 text, naming the first bad row', async () => {
    const latin1 = Buffer.from('id,name\n1,Ana\n2,Jos\xe9\n', 'latin1');
    const error = await failure(latin1);
    expect(error.code).toBe('import.encoding');
    expect(error.message).toContain('row 3');
    expect(error.message).toContain('CSV UTF-8');
  });

  it('refuses UTF-16 text', async () => {
    expect((await failure(Buffer.from('\ufeffid,name\n', 'utf16le'))).code).toBe('import.encoding');
  });

  it('refuses a 2 MB single field with the row it is in, before holding the rest', async () => {
    const big = `id,name\n1,Ana\n2,${'x'.repeat(2 * 1024 * 1024)}\n3,Bo\n`;
    const error = await failure(big);
    expect(error.code).toBe('import.rowTooLarge');
    expect(error.message).toMatch(/^Row 3 is larger than 1 MB/);
  });

  it('refuses a quote that is never closed', async () => {
    const error = await failure('id,name\n1,"Ana\n2,Bo\n');
    expect(error.code).toBe('import.malformed');
    expect(error.message).toContain('Row 2');
  });

  it('reads the same rows whatever the chunk size', async () => {
    const text = `id,name,note\n${Array.from({ length: 300 }, (_, i) => `${i},Nguyễn Văn ${i},"q""${i}\r\nx"`).join('\r\n')}\r\n`;
    const reference = await read(text, 64 * 1024);
    for (const size of [1, 2, 3, 5, 17, 1000]) expect(await read(text, size)).toEqual(reference);
  });
});

describe('planCsvChunks', () => {
  it('cuts at row boundaries (never inside quotes) and the chunks read back every row once with its number', async () => {
    const text = `\ufeffid,name,note\r\n${Array.from({ length: 500 }, (_, i) => `${i},Trần ${i},"multi\r\nline ${i}"`).join('\r\n')}\r\n`;
    const bytes = bufferByteSource(Buffer.from(text), 100);
    const chunks = await planCsvChunks(bytes, 1000);
    expect(chunks.length).toBeGreaterThan(5);
    const whole = await read(text, 4096);
    const fromChunks: SourceRow[] = [];
    for (const chunk of chunks) {
      const rows: SourceRow[] = [];
      for await (const block of csvRowSource(bytes, { limits, range: chunk })) rows.push(...block);
      expect(rows[0]!.cells).toEqual(['id', 'name', 'note']);
      fromChunks.push(...rows.slice(1));
    }
    expect(fromChunks).toEqual(whole.slice(1));
  });

  it('plans nothing for a header-only file', async () => {
    expect(await planCsvChunks(bufferByteSource(Buffer.from('id,name\n')), 10)).toEqual([]);
  });
});
