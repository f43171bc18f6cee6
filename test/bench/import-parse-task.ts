import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { fileByteSource } from '../../shared/import/byte-source.js';
import type { ImportSink } from '../../shared/import/import-sink.js';
import { openRowSource } from '../../shared/import/open-row-source.js';
import { runImport } from '../../shared/import/run-import.js';
import { students } from '../../shared/students/students.entity.js';
import { xlsxName } from './import-parse-names.js';

/**
 * One measured task of the `import-parse` bench, run in its own process:
 * `node --import tsx import-parse-task.ts <task> <file>` prints `{ result, ms, cpuMs, peakRss }`.
 */
const nullSink: ImportSink = { writeBatch: async (items) => ({ created: items.length, updated: 0, errors: [] }) };

function importWithoutWriting(file: string) {
  return runImport({
    importId: 'bench',
    entity: students,
    mode: 'create',
    sink: nullSink,
    source: openRowSource(fileByteSource(file), { name: file, entity: students }),
  });
}

async function barePapaparse(file: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(fileByteSource(file).open() as unknown as File, { step: () => void rows++, complete: () => resolve(), error: reject });
  });
  return rows;
}

async function bareExcelRead(file: string): Promise<{ rows: number; altered: number }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let rows = 0;
  let altered = 0;
  for await (const sheet of reader) {
    for await (const row of sheet) {
      if (row.number > 1 && row.getCell(2).value !== xlsxName(row.number - 2)) altered++;
      rows++;
    }
  }
  return { rows: rows - 1, altered };
}

async function oursXlsxRead(file: string): Promise<{ rows: number; altered: number }> {
  let rows = 0;
  let altered = 0;
  for await (const block of openRowSource(fileByteSource(file), { name: file, entity: students })) {
    for (const row of block) {
      if (row.row > 1 && row.cells[1] !== xlsxName(row.row - 2)) altered++;
      rows++;
    }
  }
  return { rows: rows - 1, altered };
}

const TASKS: Record<string, (file: string) => Promise<unknown>> = {
  'csv-bare': barePapaparse,
  import: async (file) => ({ ...(await importWithoutWriting(file)), error_details: [], warning_details: [], skipped_details: [] }),
  'xlsx-bare': bareExcelRead,
  'xlsx-ours': oursXlsxRead,
};

const [task, file] = process.argv.slice(2);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await TASKS[task!]!(file!);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ result, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss: process.resourceUsage().maxRSS * 1024 }));
