/** One progress sample of an import as the CLI shows it (upload phase, then the job's own). */
export interface ProgressState {
  phase: 'upload' | 'queued' | 'running' | string;
  bytesDone: number;
  bytesTotal: number | undefined;
  rows: number;
  /** Bytes per second over the recent window, undefined until there are two samples. */
  bytesPerSecond: number | undefined;
  rowsPerSecond: number | undefined;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (1024 steps, one decimal under 10, none above). */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** Rows or bytes per second; "–" when unknown. */
export function formatRate(perSecond: number | undefined, unit: 'rows' | 'bytes'): string {
  if (perSecond === undefined || !Number.isFinite(perSecond) || perSecond < 0) return '–';
  if (unit === 'bytes') return `${formatBytes(perSecond)}/s`;
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)} rows/s`;
}

/** Seconds left → "45s", "3m05s", "1h02m"; "–" when it cannot be estimated. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Seconds until bytesTotal at the current byte rate, undefined without a total or a rate. */
export function etaSeconds(state: ProgressState): number | undefined {
  if (state.bytesTotal === undefined || !state.bytesPerSecond || state.bytesPerSecond <= 0) return undefined;
  return Math.max(0, state.bytesTotal - state.bytesDone) / state.bytesPerSecond;
}

/** A text bar of `width` cells for a fraction in [0, 1]. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** "running  [####----]  42% 1.2 MB/2.9 MB  8,000 rows  950 rows/s  1.1 MB/s  ETA 2s" */
export function renderLine(state: ProgressState): string {
  const total = state.bytesTotal;
  const fraction = total ? state.bytesDone / total : 0;
  const parts = [
    state.phase.padEnd(9),
    bar(fraction),
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${formatBytes(state.bytesDone)}/${total === undefined ? '?' : formatBytes(total)}`,
  ];
  if (state.phase !== 'upload') parts.push(`${state.rows.toLocaleString('en-US')} rows`, formatRate(state.rowsPerSecond, 'rows'));
  parts.push(formatRate(state.bytesPerSecond, 'bytes'), `ETA ${formatEta(etaSeconds(state))}`);
  return parts.join('  ');
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface RendererOptions {
  /** Minimum time between plain lines when the output is not a terminal. @default 2000 */
  plainIntervalMs?: number;
  now?: () => number;
}

/**
 * Draws progress: on a terminal, redraws one line in place (CR + erase to end of line); on
 * anything else (a pipe, a CI log), prints a plain line at most every `plainIntervalMs` and
 * whenever the phase changes, so logs stay readable.
 */
export class ProgressRenderer {
  private lastPlainAt = -Infinity;
  private lastPhase: string | undefined;
  private drawn = false;
  private readonly interval: number;
  private readonly now: () => number;

  constructor(
    private readonly out: ProgressOutput,
    options: RendererOptions = {},
  ) {
    this.interval = options.plainIntervalMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  update(state: ProgressState): void {
    const line = renderLine(state);
    if (this.out.isTTY) {
      this.out.write(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const t = this.now();
    if (state.phase !== this.lastPhase || t - this.lastPlainAt >= this.interval) {
      this.out.write(`${line}\n`);
      this.lastPlainAt = t;
      this.lastPhase = state.phase;
    }
  }

  /** Ends the redrawn line (terminal) or prints the final state (plain) so later output starts clean. */
  finish(state?: ProgressState): void {
    if (state) {
      if (this.out.isTTY) this.out.write(`\r${renderLine(state)}\x1b[K`);
      else this.out.write(`${renderLine(state)}\n`);
      this.drawn = this.out.isTTY === true;
    }
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** Rate over a sliding window of (time, value) samples. */
export class RateMeter {
  private samples: Array<{ t: number; v: number }> = [];

  constructor(private readonly windowMs = 5000) {}

  add(t: number, v: number): number | undefined {
    this.samples.push({ t, v });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    return dt > 0 ? (v - first.v) / dt : undefined;
  }
}
