import { type BuildOptions, buildSync } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleOptions, ROOT } from '../../infra/build/bundle-functions.js';

/** One import whose cold-start cost the `cold` bench measures on its own. */
export interface ImportProbe {
  label: string;
  /** The probe's entry (ES module source; project files by path from the repository root). */
  source: string;
  /** Build options over the functions' (`{ alias: {} }`: the ES import a shim replaced). */
  build?: BuildOptions;
  /** Extra environment (tracing on, as in Lambda). */
  env?: Record<string, string>;
}

const project = (file: string) => JSON.stringify(path.join(ROOT, file));

/** The environment of a Lambda container with active tracing, as far as Powertools and the X-Ray SDK read it at init. */
export const TRACING_ON_ENV: Record<string, string> = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  POWERTOOLS_TRACE_ENABLED: 'true',
  AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
  AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  _HANDLER: 'index.handler',
};

/**
 * What a function bundle imports at init, one probe each, bundled with the functions' esbuild
 * settings; each is timed after the SDK and a DocumentClient are loaded (what it adds to the
 * bare-client baseline). "before" rows are the way a bundle loaded it until the fix.
 */
export const IMPORT_PROBES: readonly ImportProbe[] = [
  {
    label: 'Powertools Logger + injectLambdaContext',
    source:
      "import { Logger } from '@aws-lambda-powertools/logger'; import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware'; export const m = injectLambdaContext(new Logger({ serviceName: 'probe' }));",
  },
  {
    label: 'Powertools Metrics',
    source: "import { Metrics } from '@aws-lambda-powertools/metrics'; export const m = new Metrics({ namespace: 'Probe', serviceName: 'probe' });",
  },
  {
    label: 'Powertools Tracer + X-Ray SDK, tracing on (as in AWS)',
    source: "import { Tracer } from '@aws-lambda-powertools/tracer'; export const t = new Tracer({ serviceName: 'probe' });",
    env: TRACING_ON_ENV,
  },
  { label: 'X-Ray SDK from the layer, require() (now)', source: "import xray from 'aws-xray-sdk-core'; export const x = xray;" },
  { label: 'X-Ray SDK from the layer, ES import (before)', source: "import xray from 'aws-xray-sdk-core'; export const x = xray;", build: { alias: {} } },
  { label: 'node:http, require() (now)', source: "import http from 'node:http'; export const h = http;" },
  { label: 'node:http, ES import (before: loads undici)', source: "import http from 'node:http'; export const h = http;", build: { alias: {} } },
  { label: 'zod/mini + one object schema', source: "import * as z from 'zod/mini'; export const s = z.object({ a: z.string(), n: z.number() });" },
  {
    label: '@middy/core + http-cors + http-security-headers',
    source:
      "import middy from '@middy/core'; import cors from '@middy/http-cors'; import headers from '@middy/http-security-headers'; export const h = middy().use(cors()).use(headers()).handler(async () => ({}));",
  },
  { label: 'lru-cache', source: "import { LRUCache } from 'lru-cache'; export const c = new LRUCache({ max: 10 });" },
  {
    label: 'students entity declaration (schemas, keys)',
    source: `import { students } from ${project('shared/students/students.entity.ts')}; export const e = students;`,
  },
  {
    label: 'handler factory: middlewares, logger, metrics, tracer (off)',
    source: `import { createHttpHandler } from ${project('shared/http/create-http-handler.ts')}; export const f = createHttpHandler;`,
  },
];

/** Bundles each probe into `<taskDir>/probes/<n>/index.mjs`; returns their file paths in order. */
export function bundleProbes(taskDir: string): string[] {
  return IMPORT_PROBES.map((probe, n) => {
    const dir = path.join(taskDir, 'probes', String(n));
    mkdirSync(dir, { recursive: true });
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, `${probe.source}\n`);
    buildSync({ ...bundleOptions, sourcemap: false, ...probe.build, entryPoints: { index: entry }, outdir: dir, absWorkingDir: ROOT });
    return path.join(dir, 'index.mjs');
  });
}
