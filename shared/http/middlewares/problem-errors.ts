import type { MiddlewareObj, Request } from '@middy/core';
import { emitMetric } from '../../observability/emit-metric.js';
import { RequestTimeoutError, SuspiciousRequestError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import { retryCount } from '../../runtime/request-budget.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';
import { statusOf, toProblem } from '../problem.js';

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * The single error handler: every thrown value becomes problem+json. 4xx are logged as
 * client errors; 5xx are logged with the error and answered with a generic body.
 */
export function problemErrors(): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  function problemErrorsOnError(request: Req) {
    const error = request.error;
    const status = statusOf(error);
    const startedAt = request.context.state?.startedAt;
    const elapsed_ms = startedAt === undefined ? undefined : Math.round(Number(process.hrtime.bigint() - startedAt) / 1e6);
    const retry_count = retryCount() || undefined;
    if (error instanceof RequestTimeoutError) {
      logger.error('request abandoned at its time budget', { status, elapsed_ms, retry_count, budget_ms: error.context.budgetMs });
      emitMetric(metrics, 'RequestTimeout');
    } else if (status >= 500) {
      logger.error('request failed', { status, elapsed_ms, retry_count, error: error ?? undefined });
      emitMetric(metrics, status === 500 ? 'UnhandledError' : 'DependencyError');
    } else {
      logger.info('request rejected', { status, code: (error as { code?: string }).code });
      emitMetric(metrics, 'ClientError');
    }
    const requestId = request.context.state?.requestId ?? request.context.awsRequestId ?? 'unknown';
    // A hostile request's path is part of the attack: never reflect it.
    const instance = error instanceof SuspiciousRequestError ? undefined : request.event.rawPath;
    request.response = toProblem(error, { requestId, instance });
    // No return value: later onError middlewares (CORS, security headers, request id) still run.
  }
  return { onError: problemErrorsOnError };
}
