import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logger } from '../powertools/logger.js';
import { metrics } from '../powertools/metrics.js';
import { tracer } from '../powertools/tracer.js';
import { corsOptions } from './cors-options.js';
import type { HttpContext, HttpEvent, HttpResponse, HttpResult } from './http-types.js';
import { jsonResponse } from './middlewares/json-response.js';
import { type InputSchemas, type ParsedInput, parseRequest } from './middlewares/parse-request.js';
import { problemErrors } from './middlewares/problem-errors.js';
import { requestContext } from './middlewares/request-context.js';

/** What business code sees: validated input plus the request's identity. */
export interface HttpRequest<TPath, TQuery, TBody> {
  path: TPath;
  query: TQuery;
  body: TBody;
  headers: Record<string, string | undefined>;
  requestId: string;
  method: string;
  rawPath: string;
}

type Infer<S> = S extends { _zod: { output: infer O } } ? O : undefined;

export interface HttpHandlerSpec<S extends InputSchemas> {
  input?: S;
  /** Extra security-header options (e.g. a CSP that lets /docs render). */
  securityHeaders?: Parameters<typeof httpSecurityHeaders>[0];
  handle(request: HttpRequest<Infer<S['path']>, Infer<S['query']>, Infer<S['body']>>): Promise<HttpResult>;
}

/**
 * Builds a Lambda handler with the platform's middleware chain, in one fixed order:
 * request id → logger → tracer → metrics → security headers → CORS → problem+json errors
 * → input validation → JSON response. Functions only supply schemas and `handle`.
 */
export function createHttpHandler<S extends InputSchemas>(spec: HttpHandlerSpec<S>) {
  const core = async (event: HttpEvent, context: HttpContext & { input?: ParsedInput }): Promise<HttpResult> => {
    const input = context.input ?? { path: {}, query: {}, body: undefined };
    return spec.handle({
      path: input.path as never,
      query: input.query as never,
      body: input.body as never,
      headers: event.headers ?? {},
      requestId: context.state?.requestId ?? context.awsRequestId,
      method: event.requestContext.http.method,
      rawPath: event.rawPath,
    });
  };
  return middy<HttpEvent, HttpResponse, Error, HttpContext>()
    .use(requestContext())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(httpSecurityHeaders(spec.securityHeaders))
    .use(httpCors(corsOptions()))
    .use(problemErrors())
    .use(parseRequest(spec.input ?? {}))
    .use(jsonResponse())
    .handler(core as never);
}
