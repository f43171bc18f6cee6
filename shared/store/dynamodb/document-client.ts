import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DocumentClient per container. Connecting gets 1 s (an unreachable endpoint becomes a
 * 503 quickly); how long a call may then take is not a constant but the request's remaining
 * time budget, passed per call as an abort signal (shared/runtime/request-budget.ts).
 * `DYNAMODB_ENDPOINT` points at DynamoDB Local; in AWS it is unset.
 */
export function createDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000 },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
