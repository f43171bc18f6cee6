import type { Tracer } from '@aws-lambda-powertools/tracer';
import { Segment, type Subsegment } from 'aws-xray-sdk-core';
import { tracer } from '../../shared/powertools/tracer.js';

/**
 * The environment of a Lambda container with active tracing. A test file sets it in
 * `vi.hoisted(() => Object.assign(process.env, TRACING_ENV))` with the values written out (hoisted
 * code runs before imports): the tracer singleton reads it when its module loads.
 */
export const TRACING_ENV = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  POWERTOOLS_TRACE_ENABLED: 'true',
  POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
  _HANDLER: 'index.handler',
} as const;

/** What a subsegment recorded, as X-Ray would receive it. */
export interface RecordedSubsegment {
  name: string;
  annotations: Record<string, unknown>;
  fault: boolean;
  error: boolean;
  /** Exceptions recorded on it (with their messages). */
  exceptions: { message?: string; type?: string }[];
  subsegments: RecordedSubsegment[];
}

function recorded(subsegment: Subsegment): RecordedSubsegment {
  const raw = subsegment as unknown as {
    annotations?: Record<string, unknown>;
    fault?: boolean;
    error?: boolean;
    cause?: { exceptions?: { message?: string; type?: string }[] };
  };
  return {
    name: subsegment.name,
    annotations: raw.annotations ?? {},
    fault: raw.fault === true,
    error: raw.error === true,
    exceptions: raw.cause?.exceptions ?? [],
    subsegments: (subsegment.subsegments ?? []).map(recorded),
  };
}

/**
 * Runs `work` with a real X-Ray segment as the active one (what Lambda's facade segment is for
 * a handler) and returns the subsegments the code under test opened under it. Nothing is sent:
 * the segment is never closed, so the SDK never emits it to a daemon.
 */
export async function withTestSegment(work: () => Promise<unknown>): Promise<RecordedSubsegment[]> {
  if (!tracer.isTracingEnabled()) throw new Error('tracing is off: set TRACING_ENV in vi.hoisted before the imports');
  const segment = new Segment('records-platform-test');
  // Tracing is on, so the singleton is Powertools' Tracer.
  const namespace = (tracer as Tracer).provider.getNamespace();
  await namespace.runPromise(async () => {
    tracer.setSegment(segment);
    await work();
  });
  return (segment.subsegments ?? []).map(recorded);
}
