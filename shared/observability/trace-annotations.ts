import { tracer as platformTracer } from '../powertools/tracer.js';

/**
 * The X-Ray annotations of the platform: names and ids only, never personal data. X-Ray
 * indexes annotations (filter expressions: `annotation.order_id = "ord_…"`) and keeps them
 * for 30 days, so a key outside this list (a name, an e-mail, a student's data) cannot be
 * put through here.
 */
export interface TraceAnnotations {
  /** `students`, `orders`, `imports`: the function id up to its first `-` unless declared. */
  entity?: string;
  /** `create`, `get`, `bulk-import` … */
  operation?: string;
  order_id?: string;
  import_id?: string;
  /** The saga/notification consumer handling an event (`payment-charge`). */
  consumer?: string;
  event_type?: string;
  /** The stable code of a 4xx problem (`student.notFound`). */
  error_code?: string;
}

/** Ids, names and codes: no spaces, no `@`, bounded. A value that looks like anything else is dropped. */
const SAFE_VALUE = /^[A-Za-z0-9._:#/-]{1,128}$/;

/** The part of the Powertools Tracer the annotations use (the singleton, or a spy in tests). */
export interface AnnotationTracer {
  putAnnotation(key: string, value: string | number | boolean): void;
}

/**
 * Puts each given, well-formed annotation on the current (sub)segment; a no-op while tracing is
 * off (Powertools' `putAnnotation` checks). Values that are not id-like are skipped.
 */
export function annotateTrace(annotations: TraceAnnotations, tracer: AnnotationTracer = platformTracer): void {
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string' && SAFE_VALUE.test(value)) tracer.putAnnotation(key, value);
  }
}

/** The order id an event envelope's data carries (order, inventory and payment events do). */
export function orderIdOf(data: unknown): string | undefined {
  const id = (data as { order_id?: unknown } | null | undefined)?.order_id;
  return typeof id === 'string' ? id : undefined;
}
