import { inertTracer } from './inert-tracer.js';
import type { PlatformTracer } from './platform-tracer.js';
import { tracingEnabled } from './tracing-enabled.js';

/**
 * The container's X-Ray tracer: Powertools Tracer where it traces (in Lambda: active tracing,
 * SDK clients captured, `## index.handler` subsegments), else `inertTracer`. The Tracer and the
 * X-Ray SDK are imported only in the first case — a chunk of their own in the bundles — so a
 * container that does not trace does not pay their ~40 ms of CPU at cold start.
 */
export const tracer: PlatformTracer = tracingEnabled(process.env) ? await powertoolsTracer() : inertTracer;

async function powertoolsTracer(): Promise<PlatformTracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'records-platform' });
}
