import type { MiddlewareObj, Request } from '@middy/core';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { FunctionDeclaration } from '../../entity/entity-functions.js';
import { annotateTrace, type TraceAnnotations } from '../../observability/trace-annotations.js';
import type { PlatformTracer } from '../../powertools/platform-tracer.js';
import { tracer as platformTracer } from '../../powertools/tracer.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import type { ParsedInput } from './parse-request.js';
import { statusOf } from '../problem.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext & { input?: ParsedInput }>;
/** Powertools' type; `captureLambdaHandler` calls only PlatformTracer's methods of it. */
type PowertoolsTracer = Parameters<typeof captureLambdaHandler>[0];

/** Fields that become trace annotations (never a student id, a customer or a name). */
const ID_FIELDS = ['order_id', 'import_id'] as const;

/**
 * The order/import id of a validated path, an answer's body (`POST /orders` → `{order_id}`) or
 * an error's context (a direct import refused after its job was recorded).
 */
export function idAnnotations(value: unknown): TraceAnnotations {
  const ids: TraceAnnotations = {};
  if (value === null || typeof value !== 'object') return ids;
  for (const name of ID_FIELDS) {
    const id = (value as Record<string, unknown>)[name];
    if (typeof id === 'string') ids[name] = id;
  }
  return ids;
}

/** Annotates the ids of what a handler answered: called by the handler factory's core. */
export function annotateResult(body: unknown, tracer: Pick<PlatformTracer, 'putAnnotation'> = platformTracer): void {
  annotateTrace(idAnnotations(body), tracer);
}

/** `entity` and `operation` of a function: its declared entity operation, else its id split at the first `-`. */
export function operationOf(declaration: Pick<FunctionDeclaration, 'id' | 'operation'>): { entity: string; operation: string } {
  if (declaration.operation) return { entity: declaration.operation.entity, operation: declaration.operation.name };
  const dash = declaration.id.indexOf('-');
  return dash === -1 ? { entity: declaration.id, operation: 'handle' } : { entity: declaration.id.slice(0, dash), operation: declaration.id.slice(dash + 1) };
}

/**
 * Powertools' `captureLambdaHandler` (the handler subsegment, ColdStart and Service) plus the
 * platform's annotations: entity and operation, the validated order/import id of the path, and
 * on error the problem's code. Only 5xx are recorded as faults with their exception: a 4xx is
 * the caller's mistake, flagged `error` as X-Ray does for 4xx, and its subsegment closed as a
 * success would be (so a 404 does not show as a fault in the service map).
 */
export function traceRequest(
  declaration: Pick<FunctionDeclaration, 'id' | 'operation'>,
  tracer: PlatformTracer = platformTracer,
): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  const capture = captureLambdaHandler(tracer as PowertoolsTracer, { captureResponse: false });
  const fixed = operationOf(declaration);

  const pathIds = (request: Req) => idAnnotations(request.context.input?.path);

  function traceRequestBefore(request: Req) {
    capture.before!(request as never);
    annotateTrace(fixed, tracer);
  }
  function traceRequestAfter(request: Req) {
    annotateTrace(pathIds(request), tracer);
    return capture.after!(request as never);
  }
  function traceRequestOnError(request: Req) {
    const error = request.error;
    annotateTrace({ ...pathIds(request), ...idAnnotations((error as { context?: unknown } | null)?.context) }, tracer);
    if (statusOf(error) >= 500) return capture.onError!(request as never);
    const code = (error as { code?: unknown } | null)?.code;
    annotateTrace({ error_code: typeof code === 'string' ? code : undefined }, tracer);
    if (tracer.isTracingEnabled()) tracer.getSegment()?.addErrorFlag();
    return capture.after!(request as never);
  }
  return { before: traceRequestBefore, after: traceRequestAfter, onError: traceRequestOnError };
}
