import { describe, expect, it } from 'vitest';
import { fileNameOf, formatBytes, type ImportJob, isFinished, jobFraction, nextPollDelay, progressLine, RateMeter } from './import-job.js';

const job = (over: Partial<ImportJob>): ImportJob => ({
  import_id: 'imp_1',
  entity: 'students',
  source: { door: 'upload', key: 'imports/students/uploads/imp_1/roster.csv' },
  mode: 'create',
  status: 'running',
  rows_processed: 0,
  bytes_processed: 0,
  bytes_total: null,
  created: 0,
  updated: 0,
  skipped: 0,
  errors: 0,
  warnings: 0,
  error_details: [],
  message: null,
  report_url: null,
  queued_at: '2026-12-03T10:00:00Z',
  started_at: null,
  finished_at: null,
  rows_per_second: null,
  ...over,
});

describe('import progress', () => {
  it('formats sizes in decimal units', () => {
    expect([0, 999, 1000, 1536, 95_000, 12_345_678, 3e12].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 KB', '1.5 KB', '95 KB', '12 MB', '3.0 TB']);
  });

  it('names the file of a key and knows the final statuses', () => {
    expect(fileNameOf(job({}).source.key)).toBe('roster.csv');
    expect(fileNameOf('roster.csv')).toBe('roster.csv');
    expect(['queued', 'running', 'completed', 'completed_with_errors', 'failed'].map((s) => isFinished(s as ImportJob['status']))).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
  });

  it('measures the rate over the last window only', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0, 0);
    expect(meter.rate).toBeNull();
    meter.add(1000, 100, 10_000);
    expect(meter.rate).toEqual({ rowsPerSecond: 100, bytesPerSecond: 10_000 });
    // a stall then a burst: the old samples leave the window
    for (let t = 2000; t <= 10_000; t += 1000) meter.add(t, 100, 10_000);
    meter.add(11_000, 1100, 110_000);
    expect(meter.rate!.rowsPerSecond).toBeGreaterThan(150);
    expect(meter.rate!.rowsPerSecond).toBeLessThanOrEqual(250);
  });

  it('polls faster while the job moves and backs off to 2 s while it does not', () => {
    expect(nextPollDelay(250, false)).toBe(375);
    expect(nextPollDelay(1800, false)).toBe(2000);
    expect(nextPollDelay(2000, true)).toBe(250);
  });

  it('gives the bar fraction and the line under it', () => {
    expect(jobFraction(job({ status: 'queued' }))).toBeNull();
    expect(jobFraction(job({ bytes_processed: 250, bytes_total: 1000 }))).toBe(0.25);
    expect(jobFraction(job({ status: 'failed', bytes_total: 1000 }))).toBe(1);
    const meter = new RateMeter();
    meter.add(0, 0, 0);
    meter.add(2000, 1200, 40_000);
    expect(progressLine(job({ rows_processed: 1200, bytes_processed: 40_000, bytes_total: 95_000 }), meter.rate)).toBe(
      '40 KB of 95 KB · 1,200 rows · 600 rows/s',
    );
    expect(progressLine(job({ status: 'completed', rows_processed: 1, bytes_processed: 120, bytes_total: 120, rows_per_second: 3.4 }), null)).toBe(
      '120 B of 120 B · 1 row · 3 rows/s',
    );
  });
});
