import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { bufferByteSource } from './byte-source.js';
import { ImportFileError, ImportLimitError } from './import.errors.js';
import { type BatchResult, type ImportMode, MemorySink } from './import-sink.js';
import type { ImportSummary } from './import-summary.js';
import { openRowSource } from './open-row-source.js';
import { type ImportCheckpoint, runImport, type RunImportInput } from './run-import.js';

const HEADER = 'student_id,first_name,last_name,email,hometown,math_score,literature_score,english_score';

function source(text: string, name = 'roster.csv') {
  return openRowSource(bufferByteSource(Buffer.from(text), 1024), { name, entity: students });
}

async function importCsv(text: string, options: Partial<RunImportInput> & { sink?: MemorySink; mode?: ImportMode } = {}) {
  const sink = options.sink ?? new MemorySink('student_id');
  const summary = await runImport({ importId: 'job-1', entity: students, mode: 'create', ...options, source: options.source ?? source(text), sink });
  return { summary, sink, item: (id: string) => sink.items.get(id) };
}

async function fileError(text: string): Promise<{ error: ImportFileError; sink: MemorySink }> {
  const sink = new MemorySink('student_id');
  const error = await importCsv(text, { sink }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  return { error: error as ImportFileError, sink };
}

describe('runImport: students cleaning rules', () => {
  it('matches headings ignoring case, spaces and underscores, through aliases, and lists unknown columns', async () => {
    const { summary, item } = await importCsv(
      'Student ID,FIRST NAME,last_name,E-mail,Home Town,Math Score,literature,English,Notes,\nS1,Ana,Lê,ana@example.com,Huế,8,7,9,keep out,\n',
    );
    expect(summary.unknown_columns).toEqual(['Notes']);
    expect(item('S1')).toEqual({
      student_id: 'S1',
      first_name: 'Ana',
      last_name: 'Lê',
      email: 'ana@example.com',
      hometown: 'Huế',
      math_score: 8,
      literature_score: 7,
      english_score: 9,
    });
    expect(summary).toMatchObject({ total_rows: 1, created: 1, errors: 0, warnings: 0 });
  });

  it.each([['studentid,firstname,lastname'], ['Student_ID , First_Name, Last Name'], ['student id;first name;surname']])(
    'accepts the heading row %j',
    async (header) => {
      const delimiter = header.includes(';') ? ';' : ',';
      const { item } = await importCsv(`${header}\nS1${delimiter}Ana${delimiter}Lê\n`);
      expect(item('S1')).toMatchObject({ first_name: 'Ana', last_name: 'Lê' });
    },
  );

  it('trims every cell and upper-cases student_id', async () => {
    const { item } = await importCsv(`${HEADER}\n  s-01a ,  Ana  , Lê Thị ,  ana@example.com , Đà Nẵng , 8 ,, \n`);
    expect(item('S-01A')).toEqual({
      student_id: 'S-01A',
      first_name: 'Ana',
      last_name: 'Lê Thị',
      email: 'ana@example.com',
      hometown: 'Đà Nẵng',
      math_score: 8,
      literature_score: null,
      english_score: null,
    });
  });

  it('keeps the first of duplicate student_ids and skips the later ones with their row numbers', async () => {
    const { summary, item } = await importCsv(`${HEADER}\nS1,First,One,,,,,\ns1,Second,One,,,,,\nS2,Other,Two,,,,,\n S1 ,Third,One,,,,,\n`);
    expect(item('S1')).toMatchObject({ first_name: 'First' });
    expect(summary).toMatchObject({ total_rows: 4, created: 2, skipped: 2, errors: 0 });
    expect(summary.skipped_details).toEqual([
      { row: 3, student_id: 'S1', field: null, message: 'Duplicate of row 2, which is kept' },
      { row: 5, student_id: 'S1', field: null, message: 'Duplicate of row 2, which is kept' },
    ]);
  });

  it('stores a missing hometown as "Unknown" and a missing email as null, with or without the column', async () => {
    const { item } = await importCsv(`${HEADER}\nS1,Ana,Lê,,,,,\n`);
    expect(item('S1')).toMatchObject({ hometown: 'Unknown', email: null });
    const narrow = await importCsv('student_id,first_name,last_name\nS2,Bo,Vũ\n');
    expect(narrow.item('S2')).toEqual({
      student_id: 'S2',
      first_name: 'Bo',
      last_name: 'Vũ',
      hometown: 'Unknown',
      email: null,
      math_score: null,
      literature_score: null,
      english_score: null,
    });
  });

  it('nulls a score that is not a number or outside 0–10 and warns for that row, keeping the row', async () => {
    const { summary, item } = await importCsv(`${HEADER}\nS1,Ana,Lê,,,abc,11,-1\nS2,Bo,Vũ,,,"8,5",10,0\n`);
    expect(item('S1')).toMatchObject({ math_score: null, literature_score: null, english_score: null });
    expect(item('S2')).toMatchObject({ math_score: 8.5, literature_score: 10, english_score: 0 });
    expect(summary).toMatchObject({ total_rows: 2, created: 2, errors: 0, warnings: 3 });
    expect(summary.warning_details.map((detail) => [detail.row, detail.student_id, detail.field])).toEqual([
      [2, 'S1', 'math_score'],
      [2, 'S1', 'literature_score'],
      [2, 'S1', 'english_score'],
    ]);
    expect(summary.warning_details[0]!.message).toContain("'abc' is not a number");
    expect(summary.warning_details[1]!.message).toContain("'11'");
  });

  it('reports a row missing a required field as an error with its spreadsheet row number (header = row 1)', async () => {
    const { summary, sink } = await importCsv(`${HEADER}\nS1,Ana,Lê,,,,,\nS2,,Vũ,,,,,\n,Cy,Do,,,,,\nS4,Di,"",,,,,\n`);
    expect(summary).toMatchObject({ total_rows: 4, created: 1, errors: 3 });
    expect(summary.error_details.map((detail) => [detail.row, detail.student_id, detail.field])).toEqual([
      [3, 'S2', 'first_name'],
      [4, null, 'student_id'],
      [5, 'S4', 'last_name'],
    ]);
    expect([...sink.items.keys()]).toEqual(['S1']);
  });

  it('applies the API rules to every field (bad email, bad id, too long, control characters)', async () => {
    const long = 'x'.repeat(101);
    const { summary } = await importCsv(`${HEADER}\nS1,Ana,Lê,not-an-email,,,,\nS 2,Bo,Vũ,,,,,\nS3,${long},Do,,,,,\nS4,"A\u0007",Do,,,,,\n`);
    expect(summary.errors).toBe(4);
    expect(summary.error_details.map((detail) => [detail.row, detail.field])).toEqual([
      [2, 'email'],
      [3, 'student_id'],
      [4, 'first_name'],
      [5, 'first_name'],
    ]);
  });

  it('skips blank lines without counting them, keeping later row numbers true', async () => {
    const { summary } = await importCsv(`${HEADER}\n\nS1,Ana,Lê,,,,,\n,,,,,,,\nS2,,Vũ,,,,,\n`);
    expect(summary.total_rows).toBe(2);
    expect(summary.error_details[0]!.row).toBe(5);
  });

  it('fails fast on missing required columns, naming them, and writes nothing', async () => {
    const { error, sink } = await fileError('Student ID,Email,Math\nS1,a@b.co,5\n');
    expect(error.code).toBe('import.missingColumns');
    expect(error.message).toMatch(/^The file is missing required columns: first_name, last_name\./);
    expect(error.message).toContain('"Student ID", "Email", "Math"');
    expect(sink.batches).toBe(0);
  });

  it('fails a header-only file and an empty file with clear messages', async () => {
    expect((await fileError(`${HEADER}\n`)).error.message).toBe('The file has a header row but no data rows.');
    expect((await fileError('')).error.message).toBe('The file is empty.');
  });

  it('reports existing ids as errors in create mode and updates them in upsert mode', async () => {
    const sink = new MemorySink('student_id');
    sink.items.set('S1', { student_id: 'S1', first_name: 'Old', last_name: 'Name' });
    const created = await importCsv(`${HEADER}\nS1,New,Name,,,,,\nS2,Bo,Vũ,,,,,\n`, { sink });
    expect(created.summary).toMatchObject({ created: 1, updated: 0, errors: 1 });
    expect(created.summary.error_details).toEqual([{ row: 2, student_id: 'S1', field: 'student_id', message: "student_id 'S1' already exists" }]);
    expect(sink.items.get('S1')).toMatchObject({ first_name: 'Old' });
    const upserted = await importCsv(`${HEADER}\nS1,New,Name,,,,,\n`, { sink, mode: 'upsert', importId: 'job-2' });
    expect(upserted.summary).toMatchObject({ created: 0, updated: 1, errors: 0 });
    expect(sink.items.get('S1')).toMatchObject({ first_name: 'New' });
  });

  it('writes batches of 25 and reports progress and checkpoints in row order', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `S${i},Ana,Lê,,,,,`).join('\n');
    const sizes: number[] = [];
    const sink = new MemorySink('student_id');
    const counting = {
      writeBatch: (items: readonly Record<string, unknown>[], mode: ImportMode, origin: { importId: string; rows: readonly number[] }) => (
        sizes.push(items.length), sink.writeBatch(items, mode, origin)
      ),
    };
    const checkpoints: number[] = [];
    const progress: number[] = [];
    await runImport({
      importId: 'j',
      entity: students,
      mode: 'create',
      source: source(`${HEADER}\n${rows}\n`),
      sink: counting,
      checkpoint: (position) => void checkpoints.push(position.row),
      onProgress: (p) => progress.push(p.rows),
    });
    expect(sizes).toEqual([25, 25, 10]);
    expect(checkpoints).toEqual([26, 51, 61, 61]);
    expect(progress.at(-1)).toBe(60);
  });

  it('stops at the row limit', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => `S${i},Ana,Lê,,,,,`).join('\n');
    const error = await importCsv(`${HEADER}\n${rows}\n`, { limits: { maxRows: 5 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportLimitError);
    expect((error as Error).message).toContain('more than 5 data rows');
  });

  it('imports an XLSX the same way as the CSV of the same rows', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (chunk: Buffer) => parts.push(chunk));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out });
    const sheet = writer.addWorksheet('Students');
    sheet.addRow(['Student ID', 'First Name', 'Last Name', 'Math']).commit();
    sheet.addRow([1001, 'Ana', 'Lê', { formula: '4*2', result: 8 }]).commit();
    sheet.addRow([1002, 'Bo', 'Vũ', 'n/a']).commit();
    sheet.commit();
    await writer.commit();
    const xlsx = openRowSource(bufferByteSource(Buffer.concat(parts)), { name: 'roster.XLSX', entity: students });
    const { summary, item } = await importCsv('', { source: xlsx });
    expect(item('1001')).toMatchObject({ first_name: 'Ana', math_score: 8 });
    expect(item('1002')).toMatchObject({ math_score: null });
    expect(summary).toMatchObject({ total_rows: 2, created: 2, warnings: 1 });
  });
});

describe('runImport: resume from a checkpoint', () => {
  const rowArbitrary = fc.record({
    id: fc.integer({ min: 0, max: 40 }),
    first: fc.constantFrom('Ana', 'Bình', '', 'Đức'),
    math: fc.constantFrom('', '7', '11', 'x', '9,5'),
  });

  /** A sink that lets the write of batch `crashAt` land and then dies, as a killed worker would. */
  function crashingSink(sink: MemorySink, crashAt: number) {
    let calls = 0;
    return {
      async writeBatch(
        items: readonly Record<string, unknown>[],
        mode: ImportMode,
        origin: { importId: string; rows: readonly number[] },
      ): Promise<BatchResult> {
        const result = await sink.writeBatch(items, mode, origin);
        if (++calls === crashAt) throw new Error('killed');
        return result;
      },
    };
  }

  it('ends with the same rows and the same summary whichever batch the job dies after', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArbitrary, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom<ImportMode>('create', 'upsert'),
        fc.integer({ min: 1, max: 3 }),
        async (rows, crashAt, mode, writers) => {
          const text = `${HEADER}\n${rows.map((row) => `s${row.id},${row.first},Lê,,,${row.math},,`).join('\n')}\n`;
          const seed = () => {
            const sink = new MemorySink('student_id');
            sink.items.set('S3', { student_id: 'S3', first_name: 'Existing', last_name: 'Row' });
            return sink;
          };
          const reference = seed();
          let expected: ImportSummary;
          try {
            expected = await runImport({ importId: 'job', entity: students, mode, source: source(text), sink: reference, batchSize: 5, writers });
          } catch (error) {
            // Only the "no data rows" file can fail, and it must fail the same way resumed.
            expect((error as Error).message).toMatch(/no data rows/);
            return;
          }

          const store = seed();
          let last: ImportCheckpoint | undefined;
          const save = (position: ImportCheckpoint['position'], summary: ImportSummary) => void (last = structuredClone({ position, summary }));
          let attempts = 0;
          let summary: ImportSummary | undefined;
          while (!summary) {
            attempts++;
            const sink = attempts === 1 ? crashingSink(store, crashAt) : store;
            try {
              summary = await runImport({
                importId: 'job',
                entity: students,
                mode,
                source: source(text),
                sink,
                batchSize: 5,
                writers,
                checkpoint: save,
                resumeFrom: last,
              });
            } catch (error) {
              expect((error as Error).message).toBe('killed');
            }
          }
          expect(Object.fromEntries(store.items)).toEqual(Object.fromEntries(reference.items));
          expect(summary).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('runImport: validation on long files', () => {
  it('warns on every row carrying the same bad value, and still validates values that never repeat', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `S${i},Ana,Lê,s${i}@example.com,,${i % 1000 === 5 ? 'abc' : '7'},,`);
    rows.push('S9999,Ana,Lê,broken@,,7,,');
    const { summary } = await importCsv(`${HEADER}\n${rows.join('\n')}\n`);
    expect(summary.warnings).toBe(3);
    expect(summary.warning_details.map((detail) => detail.row)).toEqual([7, 1007, 2007]);
    expect(summary.error_details).toEqual([expect.objectContaining({ row: 3002, field: 'email' })]);
    expect(summary.created).toBe(3000);
  });
});

describe('runImport: every row detail and bounded cuts (for the full report)', () => {
  it('hands every error, warning and skip to onDetail, not only the first 100 the summary keeps', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `R${i},Ana,,,,x,,`).join('\n');
    const seen: string[] = [];
    const { summary } = await importCsv(`${HEADER}\n${rows}\nV1,Kept,Row,,,,,\nV1,Dup,Row,,,,,\n`, {
      onDetail: (kind, detail) => void seen.push(`${kind}:${detail.row}:${detail.field}`),
    });
    expect(summary.error_details).toHaveLength(100);
    expect(seen.filter((line) => line.startsWith('error:'))).toHaveLength(150);
    expect(seen.filter((line) => line.startsWith('warning:'))).toHaveLength(150);
    expect(seen).toContain('warning:2:math_score');
    expect(seen).toContain('error:151:last_name');
    expect(seen.at(-1)).toBe('skipped:153:null');
    expect(seen).toHaveLength(301);
  });

  it('checkpoints a file of refused rows every 1,000 rows although it has no batch to write', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => `R${i},Ana,,,,,,`).join('\n');
    const positions: number[] = [];
    await importCsv(`${HEADER}\n${rows}\n`, { checkpoint: (position) => void positions.push(position.row) });
    expect(positions).toEqual([1_001, 2_001, 2_501, 2_501]);
  });
});
