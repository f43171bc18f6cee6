import type { MiddlewareObj, Request } from '@middy/core';
import { CORRELATION_HEADER, correlationIdFrom, isSafeTraceId } from '../../observability/correlation.js';
import { logger } from '../../powertools/logger.js';
import { retryCount } from '../../runtime/request-budget.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Gives every invocation a request id (the caller's X-Request-Id when safe, else API
 * Gateway's) and a correlation id (X-Correlation-Id when safe, else generated), on every
 * log line and echoed; echoes them with X-Process-Time (seconds, like the FastAPI original)
 * and, when dependency calls were retried, X-Retry-Count (logged too; a 5xx's own line has it).
 */
export function requestContext(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function requestContextBefore(request: Req) {
    const given = request.event.headers?.['x-request-id'];
    const requestId = isSafeTraceId(given) ? given : (request.event.requestContext?.requestId ?? request.context.awsRequestId);
    const correlationId = correlationIdFrom(request.event.headers?.[CORRELATION_HEADER]);
    request.context.state = { requestId, correlationId, startedAt: process.hrtime.bigint() };
    logger.appendKeys({ request_id: requestId, correlation_id: correlationId, route: request.event.routeKey });
  }
  function requestContextAfter(request: Req) {
    const state = request.context.state;
    if (!request.response || !state) return;
    const elapsed = Number(process.hrtime.bigint() - state.startedAt) / 1e9;
    request.response.headers = {
      ...request.response.headers,
      'x-request-id': state.requestId,
      [CORRELATION_HEADER]: state.correlationId,
      'x-process-time': elapsed.toFixed(6),
    };
    const retries = retryCount();
    if (retries === 0) return;
    request.response.headers['x-retry-count'] = String(retries);
    const status = request.response.statusCode ?? 200;
    if (status < 500) logger.info('request answered after retries', { status, retry_count: retries });
  }
  return { before: requestContextBefore, after: requestContextAfter, onError: requestContextAfter };
}
