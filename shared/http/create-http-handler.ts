import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logger } from '../powertools/logger.js';
import { tracer } from '../powertools/tracer.js';
import { corsOptions } from './cors-options.js';
import { type SecurityHeaderOptions, securityHeaderOptions } from './security-headers.js';
import type { HttpContext, HttpEvent, HttpResponse, HttpResult } from './http-types.js';
import { flushMetrics } from './middlewares/flush-metrics.js';
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
  /** Extra security-header options (e.g. a CSP that lets /docs render), merged over the API defaults. */
  securityHeaders?: SecurityHeaderOptions;
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
    .use(flushMetrics())
    .use(httpSecurityHeaders(securityHeaderOptions(spec.securityHeaders)))
    .use(httpCors(corsOptions()))
    .use(problemErrors())
    .use(parseRequest(spec.input ?? {}))
    .use(jsonResponse())
    .handler(core as never);
}
