import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * What the platform calls on its tracer: the methods of Powertools Tracer used by the code and
 * by Powertools' `captureLambdaHandler` (which calls only `isTracingEnabled()` while tracing is
 * off). Powertools' Tracer is one; `inertTracer` is the other.
 */
export type PlatformTracer = Pick<
  Tracer,
  | 'isTracingEnabled'
  | 'captureAWSv3Client'
  | 'getSegment'
  | 'setSegment'
  | 'putAnnotation'
  | 'addErrorAsMetadata'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
  | 'addResponseAsMetadata'
>;
