/** The charts the API draws; each is a vega-lite spec over one-pass statistics. */
export const CHART_KINDS = ['histogram', 'boxplot', 'violin', 'subject-averages'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

/** Output formats: the rendered SVG, a PNG rasterised from it, or the vega-lite spec itself. */
export const CHART_FORMATS = ['svg', 'png', 'vega'] as const;
export type ChartFormat = (typeof CHART_FORMATS)[number];
