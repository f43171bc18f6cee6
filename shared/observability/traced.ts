import { tracer as platformTracer } from '../powertools/tracer.js';
import { annotateTrace, type TraceAnnotations } from './trace-annotations.js';

type Segment = NonNullable<ReturnType<typeof platformTracer.getSegment>>;

/** The part of the Powertools Tracer a traced unit of work uses. */
export interface SegmentTracer {
  isTracingEnabled(): boolean;
  getSegment(): Segment | undefined;
  setSegment(segment: Segment): void;
  putAnnotation(key: string, value: string | number | boolean): void;
  addErrorAsMetadata(error: Error, remote?: boolean): void;
}

/**
 * Runs `work` in a subsegment `name` carrying `annotations` (Lambda's own segment cannot be
 * annotated): one per SQS record or S3 record, so each event's trace can be found by its order
 * or import id. A throw is recorded on the subsegment (fault, with the exception) and rethrown.
 * Without tracing, `work` just runs. Work inside may add annotations with `annotateTrace`.
 */
export async function traced<T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>, tracer: SegmentTracer = platformTracer): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  tracer.setSegment(subsegment);
  try {
    annotateTrace(annotations, tracer);
    return await work();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}
