import { AsyncLocalStorage } from 'node:async_hooks';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { emitMetric, type MetricSink } from '../../observability/emit-metric.js';
import { errorSummary } from '../../powertools/error-summary.js';
import { logger as powertoolsLogger } from '../../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../../powertools/metrics.js';
import { CircuitBreaker } from '../../resilience/circuit-breaker.js';
import { classifyDynamoError } from './dynamodb-errors.js';

/** 5 calls that still failed after their retries, within 10 s, open the circuit for 5 s. */
export const DYNAMODB_BREAKER = { failureThreshold: 5, windowMs: 10_000, openMs: 5_000 } as const;

/** A DocumentClient's breaker (one per client, listed as `dynamodb` in `/health`). */
export function dynamoBreaker(now: () => number = Date.now): CircuitBreaker {
  return new CircuitBreaker({ dependency: 'dynamodb', ...DYNAMODB_BREAKER, now });
}

/** Set while a health probe runs: its calls pass an open breaker (see `pastOpenCircuit`). */
const probing = new AsyncLocalStorage<true>();

/**
 * Runs `probe` with its DynamoDB calls let through an open breaker: `/health` then reports
 * what DynamoDB answers now beside the circuit's state, instead of the breaker's fast 503.
 * Their outcomes still count, as any call's: a failed probe keeps the breaker open, one that
 * worked means the next call after the open period is not a trial.
 */
export function pastOpenCircuit<T>(probe: () => Promise<T>): Promise<T> {
  return probing.run(true, probe);
}

export interface DynamoCircuitPorts {
  logger?: Pick<typeof powertoolsLogger, 'warn'>;
  metrics?: MetricSink;
}

/**
 * Runs one DynamoDB call (its retries included) through `breaker`: while open, fails fast
 * with a 503 whose Retry-After is the time left open (health probes excepted: `pastOpenCircuit`); a call that ends unavailable or timed
 * out counts as a failure, one that DynamoDB answered (even a failed condition) as a success.
 * A request that ran out of its own budget says nothing about DynamoDB. Installed as a
 * client middleware by `createDocumentClient`, so stores need not know about it.
 */
export async function throughCircuit<T>(breaker: CircuitBreaker, call: () => Promise<T>, ports: DynamoCircuitPorts = {}): Promise<T> {
  if (!breaker.allows() && !probing.getStore()) throw new DependencyUnavailableError('DynamoDB', Math.max(1, Math.ceil(breaker.retryInMs() / 1_000)));
  try {
    const result = await call();
    breaker.succeed();
    return result;
  } catch (error) {
    const failure = classifyDynamoError(error);
    if (failure === undefined) breaker.succeed();
    else if (failure !== 'aborted' && breaker.fail()) {
      (ports.logger ?? powertoolsLogger).warn('DynamoDB circuit opened: calls fail fast with 503 until it half-opens', {
        open_ms: breaker.openMs,
        error: errorSummary(error),
      });
      emitMetric(ports.metrics ?? powertoolsMetrics, 'CircuitOpen', { dependency: 'dynamodb' });
    }
    throw error;
  }
}
