import type { Tracer } from '@aws-lambda-powertools/tracer';
import { Segment, type Subsegment } from 'aws-xray-sdk-core';
import { tracer } from '../../shared/powertools/tracer.js';

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
  if (!tracer.isTracingEnabled()) throw new Error('tracing is off: load lambda-tracing-env.js in vi.hoisted before the imports');
  const segment = new Segment('records-platform-test');
  // Tracing is on, so the singleton is Powertools' Tracer.
  const namespace = (tracer as Tracer).provider.getNamespace();
  await namespace.runPromise(async () => {
    tracer.setSegment(segment);
    await work();
  });
  return (segment.subsegments ?? []).map(recorded);
}
