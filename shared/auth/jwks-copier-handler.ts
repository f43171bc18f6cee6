import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { emitMetric, type MetricSink } from '../observability/emit-metric.js';
import { logger } from '../powertools/logger.js';
import { metrics, publishMetrics } from '../powertools/metrics.js';
import { tracer } from '../powertools/tracer.js';
import { requiredEnv } from '../runtime/required-env.js';
import { copyJwks, type JwksCopyResult } from './jwks-copy.js';
import type { JwksStore } from './jwks-store.js';
import { secretJwksStore } from './secrets-manager/secret-jwks-store.js';

export interface JwksCopierDeps {
  url: string;
  store: JwksStore;
  metrics?: MetricSink;
  fetch?: typeof globalThis.fetch;
}

/**
 * One scheduled run of the `auth-jwks-copier`: copies the JWKS, or counts `JwksCopyFailed` and
 * throws (the Lambda error is what the consecutive-failures alarm watches); the previous copy
 * stays in place either way.
 */
export function createJwksCopierHandler(deps: () => JwksCopierDeps): () => Promise<JwksCopyResult> {
  return async () => {
    const { url, store, fetch, ...rest } = deps();
    const sink = rest.metrics ?? metrics;
    try {
      const result = await copyJwks({ url, store, ...(fetch ? { fetch } : {}) });
      logger.info('JWKS copied', { ...result });
      return result;
    } catch (error) {
      emitMetric(sink, 'JwksCopyFailed');
      logger.error('JWKS copy failed; the previous copy is kept', { error });
      throw error;
    } finally {
      if (sink === metrics) publishMetrics();
    }
  };
}

let deps: JwksCopierDeps | undefined;

/** `JWKS_SOURCE_URL` (Cognito's JWKS) into `AUTH_JWKS_SECRET_ARN`, clients built once per container. */
export function jwksCopierDepsFromEnv(env: NodeJS.ProcessEnv = process.env): JwksCopierDeps {
  deps ??= {
    url: requiredEnv(env, 'JWKS_SOURCE_URL'),
    store: secretJwksStore(tracer.captureAWSv3Client(new SecretsManagerClient({})), requiredEnv(env, 'AUTH_JWKS_SECRET_ARN')),
  };
  return deps;
}
