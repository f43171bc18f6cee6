import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the shipped fonts are: `CHART_FONTS_DIR`, else the chart layer's `/opt/fonts` in
 * Lambda, else the repository's `layers/fonts` (from a bundle's lazily loaded chunk in
 * `.build/functions/<id>/chunks/`, from a bundle in `.build/functions/<id>/` or from the source
 * in `shared/charts/`). Never the system's fonts: text must render the same
 * in Lambda as on a laptop.
 */
export function chartFontFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [env.CHART_FONTS_DIR, '/opt/fonts', ...['../../../../', '../../../', '../../'].map((up) => path.resolve(here, up, 'layers/fonts'))];
  for (const dir of candidates) {
    if (!dir || !existsSync(dir)) continue;
    const files = readdirSync(dir).filter((name) => /\.(ttf|otf)$/i.test(name));
    if (files.length > 0) return files.map((name) => path.join(dir, name));
  }
  throw new Error(`no chart fonts found (looked in ${candidates.filter(Boolean).join(', ')})`);
}
