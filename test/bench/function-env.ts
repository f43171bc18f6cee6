import { randomBytes } from 'node:crypto';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';

/**
 * The environment a bundled function gets in these benchmarks: the local dummy credentials,
 * table names, cursor secret, and Powertools quiet (no EMF output, no X-Ray, errors only) so
 * that logging to a terminal is not what gets measured.
 */
export function functionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...LOCAL_AWS_ENV,
    CURSOR_SECRET: randomBytes(32).toString('base64url'),
    CORS_ALLOWED_ORIGINS: 'http://localhost:3000',
    POWERTOOLS_SERVICE_NAME: 'records-platform-bench',
    POWERTOOLS_METRICS_NAMESPACE: 'RecordsPlatformBench',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // Benchmarks measure the DynamoDB path: no cache or limiter unless a bench opts in.
    REDIS_URL: '',
    RATE_LIMIT_SCALE: '100000',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    ...extra,
  };
}
