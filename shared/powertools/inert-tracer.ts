import type { PlatformTracer } from './platform-tracer.js';

/**
 * The tracer where Powertools' would be disabled (locally, in tests, with
 * `POWERTOOLS_TRACE_ENABLED=false`): what a disabled Powertools Tracer does, without loading it
 * or the X-Ray SDK. Callers check `isTracingEnabled()` before using a segment, as with Powertools
 * (whose disabled `getSegment()` returns a dummy; this one returns none).
 */
export const inertTracer: PlatformTracer = {
  isTracingEnabled: () => false,
  captureAWSv3Client: (client) => client,
  getSegment: () => undefined,
  setSegment: () => undefined,
  putAnnotation: () => undefined,
  addErrorAsMetadata: () => undefined,
  annotateColdStart: () => undefined,
  addServiceNameAnnotation: () => undefined,
  addResponseAsMetadata: () => undefined,
};
