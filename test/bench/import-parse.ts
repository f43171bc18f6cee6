import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { ImportSummary } from '../../shared/import/import-summary.js';
import { BENCH_OUT_DIR, type BenchOutcome, printTable } from './bench-report.js';
import { benchStudent } from './bench-students.js';
import { NAMES, xlsxName } from './import-parse-names.js';

const CSV_ROWS = 1_000_000;
const XLSX_ROWS = 200_000;
const DIR = path.join(BENCH_OUT_DIR, 'import-parse');
const TASK_FILE = fileURLToPath(new URL('./import-parse-task.ts', import.meta.url));

/**
 * `import-parse`: parse + clean + validate only (a sink that writes nothing) of a 1M-row
 * students CSV with ~5% dirty rows, against bare papaparse on the same file; and a 200k-row
 * accented XLSX read through the import's reader vs the bare exceljs streaming reader
 * (which garbles characters at chunk boundaries: counted, as is our 0).
 */
export async function runImportParseBench(args: string[] = []): Promise<BenchOutcome> {
  if (!args.includes('--keep')) rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const csvFile = path.join(DIR, 'students-1m.csv');
  const xlsxFile = path.join(DIR, 'students-200k.xlsx');
  if (!existsSync(csvFile)) await writeCsv(csvFile);
  if (!existsSync(xlsxFile)) await writeXlsx(xlsxFile);
  console.log(`generated ${path.basename(csvFile)} (${mb(statSync(csvFile).size)}) and ${path.basename(xlsxFile)} (${mb(statSync(xlsxFile).size)})`);

  const bare = measure<number>('csv-bare', csvFile);
  const pipeline = measure<ImportSummary>('import', csvFile);
  const rate = CSV_ROWS / (pipeline.ms / 1000);
  const cpuRate = CSV_ROWS / (pipeline.cpuMs / 1000);
  const bareRate = CSV_ROWS / (bare.ms / 1000);
  const summary = pipeline.result;

  const xlsxBare = measure<{ rows: number; altered: number }>('xlsx-bare', xlsxFile);
  const xlsxOurs = measure<{ rows: number; altered: number }>('xlsx-ours', xlsxFile);
  const xlsxImport = measure<ImportSummary>('import', xlsxFile);
  const ratio = xlsxBare.ms / xlsxOurs.ms;
  const cpuRatio = xlsxBare.cpuMs / xlsxOurs.cpuMs;

  printTable(
    ['run', 'rows', 'wall s', 'rows/s', 'CPU s', 'rows/CPU-s', 'peak RSS'],
    [
      [
        'CSV bare papaparse (parse only)',
        String(bare.result),
        secs(bare.ms),
        int(bareRate),
        secs(bare.cpuMs),
        int(CSV_ROWS / (bare.cpuMs / 1000)),
        mb(bare.peakRss),
      ],
      ['CSV import parse+clean+validate', String(summary.total_rows), secs(pipeline.ms), int(rate), secs(pipeline.cpuMs), int(cpuRate), mb(pipeline.peakRss)],
      [
        'XLSX bare exceljs streaming read',
        String(xlsxBare.result.rows),
        secs(xlsxBare.ms),
        int(XLSX_ROWS / (xlsxBare.ms / 1000)),
        secs(xlsxBare.cpuMs),
        int(XLSX_ROWS / (xlsxBare.cpuMs / 1000)),
        mb(xlsxBare.peakRss),
      ],
      [
        'XLSX import reader (UTF-8 fixed)',
        String(xlsxOurs.result.rows),
        secs(xlsxOurs.ms),
        int(XLSX_ROWS / (xlsxOurs.ms / 1000)),
        secs(xlsxOurs.cpuMs),
        int(XLSX_ROWS / (xlsxOurs.cpuMs / 1000)),
        mb(xlsxOurs.peakRss),
      ],
      [
        'XLSX import parse+clean+validate',
        String(xlsxImport.result.total_rows),
        secs(xlsxImport.ms),
        int(XLSX_ROWS / (xlsxImport.ms / 1000)),
        secs(xlsxImport.cpuMs),
        int(XLSX_ROWS / (xlsxImport.cpuMs / 1000)),
        mb(xlsxImport.peakRss),
      ],
    ],
  );
  console.log(`\nCSV summary: created ${summary.created}, skipped ${summary.skipped}, errors ${summary.errors}, warnings ${summary.warnings}`);
  console.log(`XLSX altered names: bare exceljs ${xlsxBare.result.altered}, import reader ${xlsxOurs.result.altered}`);
  if (!args.includes('--keep')) rmSync(DIR, { recursive: true, force: true });

  const peak = Math.max(pipeline.peakRss, xlsxOurs.peakRss, xlsxImport.peakRss);
  return {
    name: 'import-parse',
    checks: [
      { name: 'CSV parse+clean+validate rows/s (wall)', measured: int(rate), target: '>= 200,000', pass: rate >= 200_000 },
      // The machine is shared: rows per CPU-second says what one free core would do.
      { name: 'CSV parse+clean+validate rows/CPU-s', measured: int(cpuRate), target: 'info (1 free core)' },
      { name: 'CSV vs bare papaparse', measured: `${(rate / bareRate).toFixed(2)}×`, target: 'info' },
      { name: 'peak RSS (import runs)', measured: mb(peak), target: '<= 256 MB', pass: peak <= 256 * 1024 * 1024 },
      { name: 'XLSX read vs bare exceljs streaming (wall)', measured: `${ratio.toFixed(2)}×`, target: '>= 0.8×', pass: ratio >= 0.8 },
      { name: 'XLSX read vs bare exceljs streaming (CPU)', measured: `${cpuRatio.toFixed(2)}×`, target: 'info' },
      { name: 'XLSX altered characters (import reader)', measured: String(xlsxOurs.result.altered), target: '0', pass: xlsxOurs.result.altered === 0 },
      { name: 'XLSX altered names (bare exceljs)', measured: String(xlsxBare.result.altered), target: 'info' },
    ],
    data: {
      csv: {
        rows: CSV_ROWS,
        seconds: pipeline.ms / 1000,
        cpuSeconds: pipeline.cpuMs / 1000,
        rowsPerCpuSecond: cpuRate,
        rowsPerSecond: rate,
        bareRowsPerSecond: bareRate,
        peakRssBytes: pipeline.peakRss,
        summary: { ...summary, error_details: undefined, warning_details: undefined, skipped_details: undefined },
      },
      xlsx: {
        rows: XLSX_ROWS,
        bareSeconds: xlsxBare.ms / 1000,
        oursSeconds: xlsxOurs.ms / 1000,
        bareCpuSeconds: xlsxBare.cpuMs / 1000,
        oursCpuSeconds: xlsxOurs.cpuMs / 1000,
        importSeconds: xlsxImport.ms / 1000,
        ratio,
        bareAltered: xlsxBare.result.altered,
        oursAltered: xlsxOurs.result.altered,
        peakRssBytes: xlsxOurs.peakRss,
      },
    },
  };
}

/** Row `i` of the file, ~5% dirty: bad scores, missing names, duplicates, messy ids, bad emails. */
export function csvLine(i: number): string {
  const student = benchStudent(i);
  let id = student.student_id as string;
  let first = NAMES[i % NAMES.length]!;
  let math: unknown = student.math_score;
  let email = student.email ?? '';
  switch (i % 100) {
    case 7:
      math = 'abc';
      break;
    case 23:
      math = 12;
      break;
    case 41:
      first = '';
      break;
    case 59:
      id = benchStudent(i - 1).student_id as string;
      break;
    case 77:
      id = ` ${id.toLowerCase()} `;
      break;
    case 93:
      email = 'not-an-email';
      break;
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

/**
 * Runs one measured task in a fresh Node process (so its peak RSS is its own, not the
 * generator's) and returns its wall time, CPU time and peak RSS (getrusage maxrss).
 */
function measure<T>(task: string, file: string): { result: T; ms: number; cpuMs: number; peakRss: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', TASK_FILE, task, file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`import-parse task ${task} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { result: T; ms: number; cpuMs: number; peakRss: number };
}

const int = (n: number) => Math.round(n).toLocaleString('en');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
