import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { fileByteSource } from '../../shared/import/byte-source.js';
import type { ImportSink } from '../../shared/import/import-sink.js';
import { openRowSource } from '../../shared/import/open-row-source.js';
import { runImport } from '../../shared/import/run-import.js';
import { students } from '../../shared/students/students.entity.js';
import { BENCH_OUT_DIR, type BenchOutcome, printTable } from './bench-report.js';
import { benchStudent } from './bench-students.js';

const CSV_ROWS = 1_000_000;
const XLSX_ROWS = 200_000;
const DIR = path.join(BENCH_OUT_DIR, 'import-parse');
const NAMES = ['Nguyễn Thị Hương', 'Trần Văn Đức', 'Lê Hoàng Phượng', 'Đặng Quỳnh Nguyệt', 'Zoë Ærøskøbing', 'José Łukasz', 'Bùi Thuỷ Ánh', 'Hồ Khôi'];

/**
 * `import-parse`: parse + clean + validate only (a sink that writes nothing) of a 1M-row
 * students CSV with ~5% dirty rows, against bare papaparse on the same file; and a 200k-row
 * accented XLSX read through the import's reader vs the bare exceljs streaming reader
 * (which garbles characters at chunk boundaries: counted, as is our 0).
 */
export async function runImportParseBench(): Promise<BenchOutcome> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const csvFile = path.join(DIR, 'students-1m.csv');
  const xlsxFile = path.join(DIR, 'students-200k.xlsx');
  await writeCsv(csvFile);
  await writeXlsx(xlsxFile);
  console.log(`generated ${path.basename(csvFile)} (${mb(statSync(csvFile).size)}) and ${path.basename(xlsxFile)} (${mb(statSync(xlsxFile).size)})`);

  const bare = await measure(() => barePapaparse(csvFile));
  const pipeline = await measure(() => importWithoutWriting(csvFile));
  const rate = CSV_ROWS / (pipeline.ms / 1000);
  const bareRate = CSV_ROWS / (bare.ms / 1000);
  const summary = pipeline.result;

  const xlsxBare = await measure(() => bareExcelRead(xlsxFile));
  const xlsxOurs = await measure(() => oursXlsxRead(xlsxFile));
  const xlsxImport = await measure(() => importWithoutWriting(xlsxFile));
  const ratio = xlsxBare.ms / xlsxOurs.ms;

  printTable(
    ['run', 'rows', 'seconds', 'rows/s', 'peak RSS'],
    [
      ['CSV bare papaparse (parse only)', String(CSV_ROWS), secs(bare.ms), int(bareRate), mb(bare.peakRss)],
      ['CSV import parse+clean+validate', String(summary.total_rows), secs(pipeline.ms), int(rate), mb(pipeline.peakRss)],
      ['XLSX bare exceljs streaming read', String(xlsxBare.result.rows), secs(xlsxBare.ms), int(XLSX_ROWS / (xlsxBare.ms / 1000)), mb(xlsxBare.peakRss)],
      ['XLSX import reader (UTF-8 fixed)', String(xlsxOurs.result.rows), secs(xlsxOurs.ms), int(XLSX_ROWS / (xlsxOurs.ms / 1000)), mb(xlsxOurs.peakRss)],
      ['XLSX import parse+clean+validate', String(xlsxImport.result.total_rows), secs(xlsxImport.ms), int(XLSX_ROWS / (xlsxImport.ms / 1000)), mb(xlsxImport.peakRss)],
    ],
  );
  console.log(`\nCSV summary: created ${summary.created}, skipped ${summary.skipped}, errors ${summary.errors}, warnings ${summary.warnings}`);
  console.log(`XLSX altered names: bare exceljs ${xlsxBare.result.altered}, import reader ${xlsxOurs.result.altered}`);
  rmSync(DIR, { recursive: true, force: true });

  const peak = Math.max(pipeline.peakRss, xlsxOurs.peakRss, xlsxImport.peakRss);
  return {
    name: 'import-parse',
    checks: [
      { name: 'CSV parse+clean+validate rows/s', measured: int(rate), target: '>= 200,000', pass: rate >= 200_000 },
      { name: 'CSV vs bare papaparse', measured: `${(rate / bareRate).toFixed(2)}×`, target: 'info' },
      { name: 'peak RSS (import runs)', measured: mb(peak), target: '<= 256 MB', pass: peak <= 256 * 1024 * 1024 },
      { name: 'XLSX read vs bare exceljs streaming', measured: `${ratio.toFixed(2)}×`, target: '>= 0.8×', pass: ratio >= 0.8 },
      { name: 'XLSX altered characters (import reader)', measured: String(xlsxOurs.result.altered), target: '0', pass: xlsxOurs.result.altered === 0 },
      { name: 'XLSX altered names (bare exceljs)', measured: String(xlsxBare.result.altered), target: 'info' },
    ],
    data: {
      csv: { rows: CSV_ROWS, seconds: pipeline.ms / 1000, rowsPerSecond: rate, bareRowsPerSecond: bareRate, peakRssBytes: pipeline.peakRss, summary: { ...summary, error_details: undefined, warning_details: undefined, skipped_details: undefined } },
      xlsx: { rows: XLSX_ROWS, bareSeconds: xlsxBare.ms / 1000, oursSeconds: xlsxOurs.ms / 1000, importSeconds: xlsxImport.ms / 1000, ratio, bareAltered: xlsxBare.result.altered, oursAltered: xlsxOurs.result.altered, peakRssBytes: xlsxOurs.peakRss },
    },
  };
}

/** Row `i` of the file, ~5% dirty: bad scores, missing names, duplicates, messy ids, bad emails. */
function csvLine(i: number): string {
  const student = benchStudent(i);
  let id = student.student_id as string;
  let first = NAMES[i % NAMES.length]!;
  let math: unknown = student.math_score;
  let email = student.email ?? '';
  switch (i % 100) {
    case 7: math = 'abc'; break;
    case 23: math = 12; break;
    case 41: first = ''; break;
    case 59: id = benchStudent(i - 1).student_id as string; break;
    case 77: id = ` ${id.toLowerCase()} `; break;
    case 93: email = 'not-an-email'; break;
  }
  const quotedLast = i % 10 === 3 ? `"${student.last_name}, Jr."` : (student.last_name as string).replace("'", "''");
  return `${id},${first},${quotedLast},${email},${student.hometown ?? ''},${math ?? ''},${student.literature_score ?? ''},${student.english_score ?? ''}\n`;
}

async function writeCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('\ufeffStudent ID,First Name,Last Name,Email,Hometown,Math,Literature,English\n');
  for (let start = 0; start < CSV_ROWS; start += 10_000) {
    let block = '';
    for (let i = start; i < start + 10_000; i++) block += csvLine(i);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function xlsxName(i: number): string {
  return `${NAMES[i % NAMES.length]} ${NAMES[(i * 7 + 3) % NAMES.length]} ${i}`;
}

async function writeXlsx(file: string): Promise<void> {
  const out = createWriteStream(file);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
  const sheet = writer.addWorksheet('Students');
  sheet.addRow(['Student ID', 'First Name', 'Last Name', 'Math', 'Literature', 'English']).commit();
  for (let i = 0; i < XLSX_ROWS; i++) {
    const student = benchStudent(i);
    sheet.addRow([student.student_id, xlsxName(i), student.last_name, student.math_score, student.literature_score, student.english_score]).commit();
    // The streaming writer does not apply backpressure itself (LOCAL-SERVICES.md).
    if (i % 1000 === 999 && out.writableNeedDrain) await once(out, 'drain');
  }
  sheet.commit();
  await writer.commit();
}

const nullSink: ImportSink = { writeBatch: async (items) => ({ created: items.length, updated: 0, errors: [] }) };

function importWithoutWriting(file: string) {
  return runImport({ importId: 'bench', entity: students, mode: 'create', sink: nullSink, source: openRowSource(fileByteSource(file), { name: file, entity: students }) });
}

async function barePapaparse(file: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(fileByteSource(file).open() as unknown as File, { step: () => void rows++, complete: () => resolve(), error: reject });
  });
  return rows;
}

async function bareExcelRead(file: string): Promise<{ rows: number; altered: number }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
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
  for await (const row of openRowSource(fileByteSource(file), { name: file, entity: students })) {
    if (row.row > 1 && row.cells[1] !== xlsxName(row.row - 2)) altered++;
    rows++;
  }
  return { rows: rows - 1, altered };
}

/** Wall time and peak RSS (sampled every 20 ms, after a GC) of one run. */
async function measure<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; peakRss: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peakRss = process.memoryUsage.rss();
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  const started = performance.now();
  try {
    const result = await run();
    const ms = performance.now() - started;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { result, ms, peakRss };
  } finally {
    clearInterval(timer);
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
