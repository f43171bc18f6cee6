import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartFontFiles } from './chart-fonts.js';
import { CHART_FONT_FAMILY } from './chart-theme.js';

/**
 * vega-lite → vega → SVG string, headless: `renderer: 'none'` needs no canvas (text is
 * measured by vega's estimator), and `toSVG()` serialises the scenegraph.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontFiles: string[] | undefined;

/**
 * SVG → PNG with resvg, at `scale`× (2 = crisp on high-density screens). Only the shipped
 * fonts are loaded: system fonts are off, so Lambda and a laptop draw identical text.
 */
export function rasterise(svg: string, scale = 2): Buffer {
  fontFiles ??= chartFontFiles();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    background: 'white',
  });
  return resvg.render().asPng();
}
