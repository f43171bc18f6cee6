/** Rows the `import` bench runs when neither `--rows` nor `IMPORT_BENCH_ROWS` says otherwise. */
export const DEFAULT_IMPORT_BENCH_ROWS: readonly number[] = [5_000, 100_000];

export interface ImportBenchOptions {
  rows: readonly number[];
  /** The time one size may take from upload start to its job finishing. */
  timeoutMs: (rows: number) => number;
}

/**
 * `--rows=5000,100000` (or `IMPORT_BENCH_ROWS`; `1m`, `100k` accepted) and `--timeout=SECONDS`
 * (or `IMPORT_BENCH_TIMEOUT_S`). Without a timeout a size gets 60 s plus 5 ms a row, so a stuck
 * import fails in under 1.5 minutes at 5k rows instead of waiting out the import function's
 * 15-minute Lambda timeout; only an import slower than 200 rows/s end to end (seen only with
 * both cores saturated by other work) needs a longer `--timeout`.
 */
export function importBenchOptions(args: readonly string[], env: NodeJS.ProcessEnv): ImportBenchOptions {
  const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rowsText = flag('rows') ?? env.IMPORT_BENCH_ROWS;
  const rows = rowsText === undefined ? DEFAULT_IMPORT_BENCH_ROWS : rowsText.split(',').map((part) => count(part, '--rows'));
  const timeoutText = flag('timeout') ?? env.IMPORT_BENCH_TIMEOUT_S;
  const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new Error(`--timeout must be a positive number of seconds, got '${timeoutText}'`);
  return { rows, timeoutMs: (n) => (timeoutSeconds !== undefined ? timeoutSeconds * 1000 : 60_000 + 5 * n) };
}

function count(text: string, name: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$/i.exec(text);
  const value = match ? Number(match[1]) * ({ '': 1, k: 1_000, m: 1_000_000 }[match[2]!.toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes positive row counts (5000, 100k, 1m), got '${text}'`);
  return value;
}
