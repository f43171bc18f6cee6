import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';

/** Where every benchmark writes its JSON result (`<name>.json`) and scratch files. */
export const BENCH_OUT_DIR = path.join(ROOT, '.build', 'bench');

/** One measured figure held against its target. */
export interface Check {
  name: string;
  measured: string;
  target: string;
  /** Omitted for figures reported without a target (printed as INFO). */
  pass?: boolean;
}

/** What a benchmark hands back to the dispatcher: its checks and the raw figures. */
export interface BenchOutcome {
  name: string;
  checks: Check[];
  /** Everything measured, written verbatim to `.build/bench/<name>.json`. */
  data: Record<string, unknown>;
}

/** Prints a left-aligned text table; numbers are expected pre-formatted. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Prints the checks of one benchmark, each with PASS or a loud FAIL. */
export function printChecks(checks: readonly Check[]): void {
  printTable(
    ['check', 'measured', 'target', 'verdict'],
    checks.map((check) => [check.name, check.measured, check.target, verdict(check.pass)]),
  );
}

/** Writes `.build/bench/<name>.json` (with the time and Node version) and returns its path. */
export function writeOutcome(outcome: BenchOutcome): string {
  mkdirSync(BENCH_OUT_DIR, { recursive: true });
  const file = path.join(BENCH_OUT_DIR, `${outcome.name}.json`);
  const document = {
    name: outcome.name,
    measuredAt: new Date().toISOString(),
    node: process.version,
    checks: outcome.checks,
    ...outcome.data,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

/** PASS, a FAIL that stands out in a long log, or INFO for figures without a target. */
export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? 'INFO' : pass ? 'PASS' : 'FAIL  <<<<<<<<';
}

/**
 * `.build/bench/results.json` and `results.md` (a Markdown table, what docs/performance.md
 * is refreshed from; README.md keeps its headline rows): the latest figures of every bench run so far, each bench with
 * the time it ran — a run of some benches replaces their entries and keeps the others.
 */
export function writeResults(outcomes: readonly BenchOutcome[], crashed: readonly string[]): { json: string; markdown: string } {
  mkdirSync(BENCH_OUT_DIR, { recursive: true });
  const json = path.join(BENCH_OUT_DIR, 'results.json');
  type Entry = { name: string; measuredAt: string; node: string; checks: Check[] };
  let previous: Entry[] = [];
  try {
    previous = (JSON.parse(readFileSync(json, 'utf8')) as { benches?: Entry[] }).benches ?? [];
  } catch {
    // first run, or an unreadable file: start over
  }
  const measuredAt = new Date().toISOString();
  const fresh: Entry[] = outcomes.map(({ name, checks }) => ({ name, measuredAt, node: process.version, checks }));
  const benches = [...previous.filter((entry) => !fresh.some((run) => run.name === entry.name)), ...fresh].sort((a, b) => a.name.localeCompare(b.name));
  writeFileSync(json, `${JSON.stringify({ updatedAt: measuredAt, crashedLastRun: crashed, benches }, null, 2)}\n`);
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = benches.flatMap(({ name, measuredAt: at, checks }) =>
    checks.map(
      (check) =>
        `| ${name} | ${cell(check.name)} | ${cell(check.measured)} | ${cell(check.target)} | ${verdict(check.pass).replace(/\s*<+$/, '')} | ${(at ?? '').slice(0, 16).replace('T', ' ')} |`,
    ),
  );
  const markdown = path.join(BENCH_OUT_DIR, 'results.md');
  writeFileSync(markdown, ['| bench | check | measured | target | verdict | measured at (UTC) |', '|---|---|---|---|---|---|', ...rows, ''].join('\n'));
  return { json, markdown };
}
