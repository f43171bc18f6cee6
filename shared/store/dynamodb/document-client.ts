import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BudgetedRetryStrategy } from './budgeted-retry-strategy.js';
import { dynamoBreaker, throughCircuit } from './dynamodb-circuit.js';

/** Attempts per call: the first and four retries (full jitter under 200, 400, 800, 1600 ms). */
export const DYNAMODB_MAX_ATTEMPTS = 5;

/**
 * One DocumentClient per container. Connecting gets 1 s (an unreachable endpoint becomes a
 * 503 quickly) and each attempt `DYNAMODB_REQUEST_TIMEOUT_MS` (default 5 s; a timed-out
 * attempt is retried, the last one becomes a 504). Retries back off with full jitter and stop
 * when the request's budget could not cover another attempt (shared/runtime/request-budget.ts,
 * whose abort signal each call also gets); the calls go through the client's circuit breaker.
 * See docs/resilience.md. `DYNAMODB_ENDPOINT` points at DynamoDB Local; in AWS it is unset.
 */
export function createDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: DYNAMODB_MAX_ATTEMPTS,
    retryStrategy: new BudgetedRetryStrategy({ maxAttempts: DYNAMODB_MAX_ATTEMPTS }),
    requestHandler: {
      connectionTimeout: 1_000,
      requestTimeout: Number(env.DYNAMODB_REQUEST_TIMEOUT_MS ?? 5_000),
      throwOnRequestTimeout: true,
    },
  });
  const breaker = dynamoBreaker();
  // Outside the retries (initialize step): one failure per call, not per attempt.
  client.middlewareStack.add((next) => (args) => throughCircuit(breaker, () => next(args)), {
    step: 'initialize',
    name: 'dynamodbCircuitBreaker',
    priority: 'high',
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
