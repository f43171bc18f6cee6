import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let source: string | undefined;
const axeSource = () => (source ??= readFileSync(AXE_PATH, 'utf8'));

/** One axe-core finding, as much as a failing assertion needs to say where to look. */
export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (injected from node_modules, no CDN) on the page as it is now and returns the
 * violations of impact serious or critical: `expect(await seriousA11yViolations(page)).toEqual([])`.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol rather than `addScriptTag`: the console's CSP
  // (`script-src 'self'`) refuses an inline <script>, and the test must not weaken it.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource());
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as { axe: { run(options: object): Promise<{ violations: [] }> } };
    const result = await axe.run({ resultTypes: ['violations'] });
    return result.violations.map((v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return (violations as AxeFinding[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
