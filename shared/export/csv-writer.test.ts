import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { asyncItems, MemoryWritable } from '../../test/support/memory-writable.js';
import { studentView } from '../../test/support/student-views.js';
import { writeCsv } from './csv-writer.js';
import { exportColumns } from './export-columns.js';
import { restoreNeutralised } from './neutralise-formula.js';

const columns = exportColumns(students);

/** Reads exported CSV back into typed values, as an importer of our exports would. */
function readBack(text: string) {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, delimiter: ',', newline: '\r\n' });
  const [header, ...rows] = parsed.data;
  expect(header).toEqual(columns.map((column) => column.field));
  if (rows.at(-1)?.length === 1 && rows.at(-1)![0] === '') rows.pop();
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((column, i) => {
        const raw = row[i]!;
        if (raw === '') return [column.field, null];
        return [column.field, column.type === 'number' ? Number(raw) : restoreNeutralised(raw)];
      }),
    ),
  );
}

const project = (item: Record<string, unknown>) => Object.fromEntries(columns.map((column) => [column.field, item[column.field] ?? null]));

describe('CSV export', () => {
  it('round-trips any students through papaparse to identical data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(studentView, { maxLength: 40 }), fc.boolean(), async (items, bom) => {
        const out = new MemoryWritable();
        const rows = await writeCsv(asyncItems(items), columns, out, { bom });
        expect(rows).toBe(items.length);
        expect(out.text.startsWith('\uFEFF')).toBe(bom);
        expect(readBack(out.text)).toEqual(items.map(project));
      }),
      { numRuns: 60 },
    );
  });

  it('quotes per RFC 4180 and neutralises formulas', async () => {
    const out = new MemoryWritable();
    const item = { student_id: 'S1', first_name: '=HYPERLINK("x")', last_name: 'Đặng, "Bé"', email: null, hometown: 'Huế\r\nCity', math_score: 9.5 };
    await writeCsv(asyncItems([item]), columns, out);
    const [, row] = out.text.split('\r\n');
    expect(row).toBe(`S1,"'=HYPERLINK(""x"")","Đặng, ""Bé""",,"Huế`);
    expect(out.text).toContain(`City",9.5,,,,\r\n`);
  });

  it('waits for a slow consumer instead of buffering the whole export', async () => {
    const out = new MemoryWritable({ highWaterMark: 4 * 1024, slow: true });
    const many = Array.from({ length: 20_000 }, (_, i) => ({ student_id: `S${i}`, first_name: 'Nguyễn', last_name: 'Văn An', math_score: 5 }));
    await writeCsv(asyncItems(many), columns, out);
    expect(out.buffer.length).toBeGreaterThan(500_000);
    // One 64 K-character chunk (≤ 3 bytes each) past the high-water mark at most.
    expect(out.maxBuffered).toBeLessThan(4 * 1024 + 3 * 64 * 1024);
  });
});
