import { describe, expect, it } from 'vitest';
import { bar, etaSeconds, formatBytes, formatEta, formatRate, ProgressRenderer, type ProgressState, RateMeter, renderLine } from './progress.js';

const state = (over: Partial<ProgressState> = {}): ProgressState => ({
  phase: 'running',
  bytesDone: 512 * 1024,
  bytesTotal: 2 * 1024 * 1024,
  rows: 8000,
  bytesPerSecond: 256 * 1024,
  rowsPerSecond: 950.4,
  ...over,
});

describe('formatting', () => {
  it('bytes in 1024 steps, one decimal under 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
  });

  it('rates: rows with one decimal below 100, bytes per second, dash when unknown', () => {
    expect(formatRate(950.4, 'rows')).toBe('950 rows/s');
    expect(formatRate(12.34, 'rows')).toBe('12.3 rows/s');
    expect(formatRate(1536, 'bytes')).toBe('1.5 KB/s');
    expect(formatRate(undefined, 'rows')).toBe('–');
    expect(formatRate(Number.NaN, 'bytes')).toBe('–');
  });

  it('ETA in s, m+s, h+m; dash when unknown', () => {
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(44.2)).toBe('45s');
    expect(formatEta(185)).toBe('3m05s');
    expect(formatEta(3720)).toBe('1h02m');
    expect(formatEta(undefined)).toBe('–');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
  });

  it('ETA is bytes left over the byte rate, unknown without a rate or a total', () => {
    expect(etaSeconds(state())).toBe(6);
    expect(etaSeconds(state({ bytesPerSecond: 0 }))).toBeUndefined();
    expect(etaSeconds(state({ bytesTotal: undefined }))).toBeUndefined();
    expect(etaSeconds(state({ bytesDone: 3 * 1024 * 1024 }))).toBe(0);
  });

  it('the bar fills in proportion, clamped', () => {
    expect(bar(0, 4)).toBe('[----]');
    expect(bar(0.5, 4)).toBe('[##--]');
    expect(bar(2, 4)).toBe('[####]');
  });

  it('one line with phase, percent, bytes, rows, rates and ETA; the upload phase has no rows', () => {
    expect(renderLine(state())).toBe(`running    [######------------------]   25%  512 KB/2.0 MB  8,000 rows  950 rows/s  256 KB/s  ETA 6s`);
    expect(renderLine(state({ phase: 'upload', bytesPerSecond: undefined }))).toBe('upload     [######------------------]   25%  512 KB/2.0 MB  –  ETA –');
  });
});

describe('ProgressRenderer', () => {
  const sink = (isTTY: boolean) => {
    const out = { isTTY, text: '', write: (chunk: string) => (out.text += chunk) };
    return out;
  };

  it('on a terminal, redraws one line in place and ends it with a newline', () => {
    const out = sink(true);
    const renderer = new ProgressRenderer(out);
    renderer.update(state({ rows: 1 }));
    renderer.update(state({ rows: 2 }));
    renderer.finish();
    expect(out.text.split('\r')).toHaveLength(3);
    expect(out.text.match(/\n/g)).toHaveLength(1);
    expect(out.text.endsWith('\x1b[K\n')).toBe(true);
  });

  it('elsewhere, prints plain lines at most every interval and on each phase change', () => {
    let now = 0;
    const out = sink(false);
    const renderer = new ProgressRenderer(out, { plainIntervalMs: 1000, now: () => now });
    renderer.update(state({ phase: 'upload' }));
    now = 300;
    renderer.update(state({ phase: 'upload' }));
    renderer.update(state({ phase: 'queued' }));
    now = 600;
    renderer.update(state({ phase: 'running', rows: 10 }));
    now = 900;
    renderer.update(state({ phase: 'running', rows: 20 }));
    now = 1700;
    renderer.update(state({ phase: 'running', rows: 30 }));
    renderer.finish();
    const lines = out.text.split('\n').filter(Boolean);
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(['upload', 'queued', 'running', 'running']);
    expect(lines.at(-1)).toContain('30 rows');
    expect(out.text).not.toMatch(/[\r\x1b]/);
  });
});

describe('RateMeter', () => {
  it('rate over the window: undefined with one sample, then change per second', () => {
    const meter = new RateMeter(5000);
    expect(meter.add(0, 0)).toBeUndefined();
    expect(meter.add(1000, 100)).toBe(100);
    expect(meter.add(2000, 300)).toBe(150);
    // samples older than 5 s leave the window: the rate is measured from the sample at 2 s
    meter.add(6000, 700);
    expect(meter.add(7000, 1100)).toBe((1100 - 300) / 5);
  });
});
