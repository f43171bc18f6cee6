import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { asyncItems, MemoryWritable } from '../../test/support/memory-writable.js';
import { studentView } from '../../test/support/student-views.js';
import { exportColumns } from './export-columns.js';
import { restoreNeutralised } from './neutralise-formula.js';
import { writeXlsx, xlsxText } from './xlsx-writer.js';

const columns = exportColumns(students);

async function readWorkbook(bytes: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as never);
  return workbook;
}

function sheetRows(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    rows.push(columns.map((_, i) => row.getCell(i + 1).value ?? null));
  });
  return rows;
}

const project = (item: Record<string, unknown>) =>
  columns.map((column) => {
    const value = item[column.field] ?? null;
    return typeof value === 'string' ? xlsxText(value) : value;
  });

describe('XLSX export', () => {
  it('round-trips any students through the exceljs reader to identical data', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(studentView, { maxLength: 30 }), async (items) => {
        const out = new MemoryWritable();
        const rows = await writeXlsx(asyncItems(items), columns, out, { sheetName: 'Students' });
        expect(rows).toBe(items.length);
        const sheet = (await readWorkbook(out.buffer)).getWorksheet('Students')!;
        const [header, ...data] = sheetRows(sheet);
        expect(header).toEqual(columns.map((column) => column.field));
        const read = data.map((row) => row.map((cell) => (typeof cell === 'string' ? restoreNeutralised(cell) : cell)));
        expect(read).toEqual(items.map(project));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps numbers numeric, text neutralised and writes the summary sheet after the data', async () => {
    const out = new MemoryWritable();
    const items = [
      { student_id: 'S1', first_name: '=cmd|calc', last_name: 'Ánh', math_score: 9, average_score: 9, grade: 'Excellent' },
      { student_id: 'S2', first_name: 'Bé', last_name: '@x', math_score: 4, average_score: 4, grade: 'Below Average' },
    ];
    let observed = 0;
    await writeXlsx(asyncItems(items), columns, out, {
      sheetName: 'Students',
      summary: { sheetName: 'Summary', observe: () => void observed++, rows: () => [['Total Students', observed]] },
    });
    const workbook = await readWorkbook(out.buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Students', 'Summary']);
    const students = workbook.getWorksheet('Students')!;
    expect(students.getCell('B2').value).toBe("'=cmd|calc");
    expect(students.getCell('C3').value).toBe("'@x");
    expect(students.getCell('F2').type).toBe(ExcelJS.ValueType.Number);
    expect(workbook.getWorksheet('Summary')!.getRow(2).values).toEqual([undefined, 'Total Students', 2]);
  });
});
