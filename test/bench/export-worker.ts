import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { writeCsv } from '../../shared/export/csv-writer.js';
import { exportColumns } from '../../shared/export/export-columns.js';
import { exportSummary } from '../../shared/export/export-summary.js';
import { writeXlsx } from '../../shared/export/xlsx-writer.js';
import { students } from '../../shared/students/students.entity.js';

/**
 * One export scenario in its own process, so its peak RSS is its own:
 * `export-worker.ts <csv|xlsx|bare-xlsx> <rows>` prints `{rows, bytes, ms, maxRssMb}` as JSON.
 */
const [scenario, rowsArg] = process.argv.slice(2);
const total = Number(rowsArg);
const FIRST = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Đặng', 'Bùi', 'Võ'];
const TOWNS = ['Hà Nội', 'Huế', 'Đà Nẵng', 'Hồ Chí Minh', 'Cần Thơ', 'Hải Phòng'];

/** Student views generated one at a time (nothing accumulates on the producer side). */
async function* studentViews(n: number): AsyncGenerator<Record<string, unknown>> {
  for (let i = 0; i < n; i++) {
    const stored = {
      student_id: `S${String(i).padStart(7, '0')}`,
      first_name: FIRST[i % 8],
      last_name: `Thị Hương ${i % 997}`,
      email: i % 5 === 0 ? null : `s${i}@example.edu.vn`,
      hometown: TOWNS[i % 6],
      math_score: (i % 101) / 10,
      literature_score: ((i * 7) % 101) / 10,
      english_score: i % 9 === 0 ? null : ((i * 13) % 101) / 10,
    };
    yield { ...stored, ...students.derive(stored as never) };
  }
}

/** Counts and drops bytes: the export's own cost, not the disk's. */
let bytes = 0;
const sink = () =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });

const columns = exportColumns(students);
const started = performance.now();
let rows = 0;
if (scenario === 'csv') {
  const out = sink();
  rows = await writeCsv(studentViews(total), columns, out, { bom: true });
  out.end();
} else if (scenario === 'xlsx') {
  rows = await writeXlsx(studentViews(total), columns, sink(), { sheetName: 'Students', summary: exportSummary(students) });
} else if (scenario === 'bare-xlsx') {
  // The same rows through exceljs' streaming writer with nothing of ours around it.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink(), useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Students');
  sheet.addRow(columns.map((c) => c.field)).commit();
  for await (const item of studentViews(total)) {
    sheet.addRow(columns.map((c) => item[c.field] ?? null)).commit();
    if (++rows % 500 === 0) await nextTurn();
  }
  sheet.commit();
  await workbook.commit();
} else {
  throw new Error(`unknown scenario ${scenario}`);
}
const ms = performance.now() - started;
console.log(JSON.stringify({ scenario, rows, bytes, ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
