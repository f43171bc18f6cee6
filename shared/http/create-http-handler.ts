import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { Principal } from '../auth/principal.js';
import type { FunctionDeclaration } from '../entity/entity-functions.js';
import { RequestTimeoutError } from '../errors/app-error.js';
import { logger } from '../powertools/logger.js';
import { currentBudget, withBudget } from '../runtime/request-budget.js';
import { corsOptions } from './cors-options.js';
import type { HttpContext, HttpEvent, HttpResponse, HttpResult } from './http-types.js';
import { authorize } from './middlewares/authorize.js';
import { cacheControl } from './middlewares/cache-control.js';
import { compressResponse } from './middlewares/compress-response.js';
import { conditionalGet } from './middlewares/conditional-get.js';
import { flushMetrics } from './middlewares/flush-metrics.js';
import { headWithoutBody } from './middlewares/head-without-body.js';
import { jsonResponse } from './middlewares/json-response.js';
import { type InputSchemas, type ParsedInput, parseRequest } from './middlewares/parse-request.js';
import { problemErrors } from './middlewares/problem-errors.js';
import { rateLimit } from './middlewares/rate-limit.js';
import { rejectSuspicious } from './middlewares/reject-suspicious.js';
import { annotateResult, traceRequest } from './middlewares/trace-request.js';
import { requestContext } from './middlewares/request-context.js';
import { requestMetrics } from './middlewares/request-metrics.js';
import { trustedHost } from './middlewares/trusted-host.js';
import { isPreflight } from './preflight.js';
import { type SecurityHeaderOptions, securityHeaderOptions } from './security-headers.js';

/** What business code sees: validated input plus the request's identity. */
export interface HttpRequest<TPath, TQuery, TBody> {
  path: TPath;
  query: TQuery;
  body: TBody;
  headers: Record<string, string | undefined>;
  requestId: string;
  /** Correlation id to put on event envelopes, SQS messages and import jobs (`correlation_id`). */
  correlationId: string;
  method: string;
  rawPath: string;
  /** The authenticated caller; undefined on public routes only. */
  principal: Principal | undefined;
  /** The body as API Gateway delivered it (for routes without a JSON body schema: file uploads). */
  rawBody?: { body: string | undefined; isBase64Encoded: boolean };
}

type Infer<S> = S extends { _zod: { output: infer O } } ? O : undefined;

export interface HttpHandlerSpec<S extends InputSchemas> {
  /** The function's registry entry: its Cache-Control and the permission it enforces. */
  declaration: Pick<FunctionDeclaration, 'id' | 'cacheControl' | 'permission' | 'operation'> & Partial<Pick<FunctionDeclaration, 'routes'>>;
  input?: S;
  /** Extra security-header options (e.g. a CSP that lets /docs render), merged over the API defaults. */
  securityHeaders?: SecurityHeaderOptions;
  handle(request: HttpRequest<Infer<S['path']>, Infer<S['query']>, Infer<S['body']>>): Promise<HttpResult>;
}

/** API Gateway HTTP APIs give up on an integration after 30 s; answer before that. */
export const API_GATEWAY_LIMIT_MS = 29_000;
/** Time kept back from the budget to serialise, log and return the 504 itself. */
export const BUDGET_MARGIN_MS = Number(process.env.TIME_BUDGET_MARGIN_MS ?? 500);

/**
 * Builds a Lambda handler with the platform's middleware chain, in one fixed order:
 * request id → logger → tracer → metrics → suspicious-request refusal → trusted Host → security headers →
 * cache control + Vary → CORS (decorates every answer; a preflight is answered 204 by the core, with
 * no early return, so every `after` runs for it too) → HEAD body removal → compression →
 * problem+json errors → authorization (401/403 before any validation, 304 or business code)
 * → rate limit (429) → conditional GET (ETag/304) → input validation → JSON response. (middy runs `after`
 * steps in reverse: JSON, 304, compression, HEAD, CORS, Vary, …) The handler gets a time budget:
 * whatever still runs at min(Lambda timeout, 29 s) − margin is abandoned with a 504, and
 * SDK calls see the budget's abort signal. Functions only supply schemas and `handle`.
 */
export function createHttpHandler<S extends InputSchemas>(spec: HttpHandlerSpec<S>) {
  const core = async (event: HttpEvent, context: HttpContext & { input?: ParsedInput }, opts: { signal: AbortSignal }): Promise<HttpResult> => {
    // A preflight has no business code: CORS (in `after`) adds its Access-Control-* headers.
    if (isPreflight(event)) return { statusCode: 204 };
    const input = context.input ?? { path: {}, query: {}, body: undefined };
    const budget = currentBudget();
    if (budget) budget.signal = opts.signal;
    const result = await spec.handle({
      path: input.path as never,
      query: input.query as never,
      body: input.body as never,
      headers: event.headers ?? {},
      requestId: context.state?.requestId ?? context.awsRequestId,
      correlationId: context.state?.correlationId ?? context.state?.requestId ?? context.awsRequestId,
      method: event.requestContext.http.method,
      rawPath: event.rawPath,
      principal: context.principal,
      rawBody: { body: event.body, isBase64Encoded: event.isBase64Encoded ?? false },
    });
    // The order or import the answer is about (a created order's id is known only now).
    annotateResult(result.body);
    return result;
  };
  const chain = middy<HttpEvent, HttpResponse, Error, HttpContext>({
    timeoutEarlyInMillis: BUDGET_MARGIN_MS,
    timeoutEarlyResponse: () => {
      throw new RequestTimeoutError(currentBudget()?.budgetMs ?? 0);
    },
  })
    .use(requestContext())
    .use(requestMetrics(spec.declaration))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(traceRequest(spec.declaration))
    .use(flushMetrics())
    .use(rejectSuspicious())
    .use(trustedHost())
    .use(httpSecurityHeaders(securityHeaderOptions(spec.securityHeaders)))
    .use(cacheControl(spec.declaration.cacheControl))
    .use(httpCors(corsOptions()))
    .use(headWithoutBody())
    .use(compressResponse({ declaredCacheControl: spec.declaration.cacheControl }))
    .use(problemErrors())
    .use(authorize(spec.declaration.permission, { routes: spec.declaration.routes }))
    .use(rateLimit(spec.declaration))
    .use(conditionalGet())
    .use(parseRequest(spec.input ?? {}))
    .use(jsonResponse())
    .handler(core as never);
  // The budget is the Lambda's remaining time, capped by API Gateway's integration limit.
  return (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const arrived = Date.now();
    const lambdaRemaining = context.getRemainingTimeInMillis.bind(context);
    const remaining = () => Math.min(lambdaRemaining(), API_GATEWAY_LIMIT_MS - (Date.now() - arrived));
    const capped: Context = { ...context, getRemainingTimeInMillis: remaining };
    const budgetMs = Math.max(0, remaining() - BUDGET_MARGIN_MS);
    return withBudget({ deadline: arrived + budgetMs, budgetMs }, () => chain(event, capped));
  };
}
