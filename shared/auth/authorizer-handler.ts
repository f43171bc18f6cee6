import { emitMetric } from '../observability/emit-metric.js';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult, Context } from 'aws-lambda';
import { logger } from '../powertools/logger.js';
import { metrics } from '../powertools/metrics.js';
import type { Authenticator } from './authenticator.js';
import { type AuthorizerContext, toAuthorizerContext } from './authorizer-context.js';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

/**
 * The HTTP API Lambda authorizer (payload 2.0, simple responses). It only identifies: it
 * always answers `isAuthorized: true` with either the principal or the failure reason in
 * the context, because API Gateway answers an authorizer's "no" with a bare 401/403 that
 * cannot carry problem+json or `WWW-Authenticate`. Each function's `authorize` middleware
 * then enforces its permission. Logs name the reason, never the credential.
 */
export function createAuthorizerHandler(authenticator: () => Authenticator) {
  return async function authorizerHandler(event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<AuthorizerResult> {
    logger.addContext(context);
    logger.appendKeys({ request_id: event.requestContext?.requestId, route: event.routeKey });
    try {
      const { outcome, detail, error } = await authenticator().authenticate(event.headers ?? {}, { ip: event.requestContext?.http?.sourceIp });
      if (outcome.ok && outcome.revocationUnchecked) {
        logger.warn('revocation list unreachable: caller identified without the revocation check', { detail, error: describe(error) });
        emitMetric(metrics, 'RevocationCheckUnavailable');
      } else if (outcome.ok) {
        logger.debug('caller identified', { principal: outcome.principal.sub, role: outcome.principal.role, auth_method: outcome.principal.method });
      } else if (outcome.failure === 'throttled') {
        logger.info('authentication refused: too many failed attempts', { reason: outcome.failure, retry_after: outcome.retryAfterSeconds });
        emitMetric(metrics, 'AuthenticationThrottled');
      } else if (outcome.failure === 'unavailable') {
        logger.error('authentication could not complete', { reason: outcome.failure, detail, error: describe(error) });
        emitMetric(metrics, 'AuthenticationUnavailable');
      } else {
        logger.info('authentication failed', { reason: outcome.failure, detail });
        emitMetric(metrics, 'AuthenticationFailed');
      }
      return { isAuthorized: true, context: toAuthorizerContext(outcome) };
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}

/** Name and message only: a verifier's error object may hold the token's claims. */
function describe(error: unknown): { name: string; message: string } | undefined {
  return error instanceof Error ? { name: error.name, message: error.message } : undefined;
}
