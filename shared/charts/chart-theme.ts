import type { Config } from 'vega-lite';

/** The one font family shipped in layers/fonts and loaded by the rasteriser. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** Readable at 1× on a laptop screen and in a report: white background, 12–16 px text. */
export const chartConfig: Config = {
  background: 'white',
  padding: 16,
  font: CHART_FONT_FAMILY,
  title: { fontSize: 18, fontWeight: 'bold', anchor: 'start', offset: 12, subtitleFontSize: 13, subtitleColor: '#555' },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'bold', gridColor: '#e5e5e5' },
  legend: { labelFontSize: 12, titleFontSize: 13 },
  header: { labelFontSize: 13, titleFontSize: 13, labelFontWeight: 'bold' },
  view: { stroke: null },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#b279a2'] },
};
