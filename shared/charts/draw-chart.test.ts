import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { createStatisticsAccumulator } from '../statistics/entity-statistics.js';
import { chartFontFiles } from './chart-fonts.js';
import { CHART_KINDS } from './chart-kind.js';
import { drawChart } from './draw-chart.js';
import { rasterise } from './render-chart.js';

function accumulated(scores: [number | null, number | null, number | null][]) {
  const stats = createStatisticsAccumulator(students);
  for (const [math_score, literature_score, english_score] of scores) {
    const stored = { math_score, literature_score, english_score, first_name: 'A', last_name: 'B' };
    stats.observe({ ...stored, ...students.derive(stored as never) });
  }
  return stats;
}

const sample = accumulated([
  [9, 8, 7],
  [6.5, 5, null],
  [3, 4.25, 9.75],
  [10, 0, 5],
  [7, 7, 7],
]);

/** Dark pixels of a PNG, counted by decoding it again with resvg (an <image> of it). */
function inkOf(png: Buffer): number {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><image href="data:image/png;base64,${png.toString('base64')}" width="100" height="100"/></svg>`;
  const pixels = new Resvg(svg).render().pixels;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 128 && pixels[i]! < 128 && pixels[i + 1]! < 128 && pixels[i + 2]! < 128) dark++;
  return dark;
}

describe('charts', () => {
  it.each(CHART_KINDS)('renders %s as SVG with its title, axis titles and subject labels', async (kind) => {
    const chart = await drawChart(students, sample, kind, 'svg', 'Hometown: Huế');
    expect(chart.format).toBe('svg');
    const svg = chart.format === 'svg' ? chart.text : '';
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('5 students · Hometown: Huế');
    for (const subject of ['Math', 'Literature', 'English']) expect(svg).toContain(`>${subject}<`);
    expect(svg).toContain('font-family="DejaVu Sans"');
  });

  it('puts the exact quartiles into the boxplot spec', async () => {
    const chart = await drawChart(students, sample, 'boxplot', 'vega');
    const rows = chart.format === 'vega' ? (chart.spec as { data: { values: Record<string, unknown>[] } }).data.values : [];
    expect(rows.find((row) => row.subject === 'Math')).toMatchObject({ min: 3, q1: 6.5, median: 7, q3: 9, max: 10, count: 5 });
    expect(rows.find((row) => row.subject === 'English')).toMatchObject({ min: 5, median: 7, max: 9.75, count: 4 });
  });

  it('rasterises PNGs at 2× with text drawn', async () => {
    const chart = await drawChart(students, sample, 'histogram', 'png');
    const png = chart.format === 'png' ? chart.bytes : Buffer.alloc(0);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // width in the IHDR chunk
  });

  it('draws Vietnamese text with the shipped fonts only (no system fonts)', () => {
    expect(chartFontFiles().every((file) => file.includes('layers/fonts'))).toBe(true);
    const text = (content: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><text x="10" y="40" font-family="DejaVu Sans" font-size="28">${content}</text></svg>`;
    expect(inkOf(rasterise(text('Nguyễn Thị Hương')))).toBeGreaterThan(50);
    expect(inkOf(rasterise(text('')))).toBe(0);
  });

  it('renders an empty population without failing', async () => {
    for (const kind of CHART_KINDS) {
      const chart = await drawChart(students, accumulated([]), kind, 'svg');
      expect(chart.format === 'svg' && chart.text).toContain('0 students');
    }
  });
});
