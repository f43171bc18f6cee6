import { parseEmfLine } from './emf-line.js';
import type { LocalTelemetry } from './local-telemetry.js';
import { tapStdout } from './stdout-tap.js';

/**
 * Feeds every EMF line the bundles print (Powertools Metrics → stdout) into `telemetry`.
 * EMF lines stay off the terminal unless `echo` (LOCAL_EMF_ECHO=1): in AWS they become
 * metrics, not log lines anyone reads. Returns the function that removes the tap.
 */
export function captureEmf(telemetry: LocalTelemetry, echo = process.env.LOCAL_EMF_ECHO === '1'): () => void {
  // The tap asks about the line it just read: remember the answer instead of parsing twice.
  let last: { line: string; emf: boolean } | undefined;
  return tapStdout({
    onLine: (line) => {
      const metrics = parseEmfLine(line);
      last = { line, emf: metrics !== undefined };
      for (const metric of metrics ?? []) telemetry.recordMetric(metric);
    },
    passThrough: echo ? undefined : (line) => !(last?.line === line ? last.emf : parseEmfLine(line) !== undefined),
  });
}
