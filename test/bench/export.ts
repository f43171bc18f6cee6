import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';

interface Run {
  scenario: string;
  rows: number;
  bytes: number;
  ms: number;
  maxRssMb: number;
}

const RSS_LIMIT_MB = 256;

/** Runs one scenario in a fresh Node process (tsx loader) and returns its figures. */
function run(scenario: string, rows: number): Run {
  const worker = path.join(ROOT, 'test', 'bench', 'export-worker.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', worker, scenario, String(rows)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Run;
}

const perSecond = (r: Run) => r.rows / (r.ms / 1000);

/**
 * `npm run bench -- export`: a 1M-row CSV export from a generated stream (rows/s, peak RSS of
 * its process ≤ 256 MB) and a 200k-row XLSX export (ours, with the Summary sheet and
 * backpressure) against exceljs' bare streaming writer on the same rows (≥ 0.8×).
 */
export async function runExportBench(): Promise<BenchOutcome> {
  const csvRows = Number(process.env.EXPORT_BENCH_CSV_ROWS ?? 1_000_000);
  const xlsxRows = Number(process.env.EXPORT_BENCH_XLSX_ROWS ?? 200_000);
  const csv = run('csv', csvRows);
  const bare = run('bare-xlsx', xlsxRows);
  const xlsx = run('xlsx', xlsxRows);
  printTable(
    ['scenario', 'rows', 'MB out', 'seconds', 'rows/s', 'peak RSS MB'],
    [csv, bare, xlsx].map((r) => [
      r.scenario,
      String(r.rows),
      (r.bytes / 1e6).toFixed(1),
      (r.ms / 1000).toFixed(1),
      perSecond(r).toFixed(0),
      r.maxRssMb.toFixed(0),
    ]),
  );
  const ratio = perSecond(xlsx) / perSecond(bare);
  const checks: Check[] = [
    { name: `CSV export ${csvRows} rows: rows/s`, measured: perSecond(csv).toFixed(0), target: 'reported' },
    { name: 'CSV export: peak RSS', measured: `${csv.maxRssMb.toFixed(0)} MB`, target: `≤ ${RSS_LIMIT_MB} MB`, pass: csv.maxRssMb <= RSS_LIMIT_MB },
    { name: `XLSX export ${xlsxRows} rows vs bare exceljs`, measured: `${ratio.toFixed(2)}×`, target: '≥ 0.8×', pass: ratio >= 0.8 },
    { name: 'XLSX export: peak RSS', measured: `${xlsx.maxRssMb.toFixed(0)} MB`, target: `≤ ${RSS_LIMIT_MB} MB`, pass: xlsx.maxRssMb <= RSS_LIMIT_MB },
  ];
  return { name: 'export', checks, data: { csv, bare, xlsx, ratio } };
}
