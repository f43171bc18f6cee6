import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { tracer } from '../../powertools/tracer.js';
import { IDEMPOTENCY_ATTRIBUTES, idempotencyTable } from '../idempotency.table.js';

/**
 * The Powertools DynamoDB persistence layer over the idempotency table named by
 * `IDEMPOTENCY_TABLE_NAME`, with the attribute names of its declaration. `DYNAMODB_ENDPOINT`
 * points it at DynamoDB Local. One per container: build it in the consumer's setup.
 */
export function idempotencyPersistence(env: NodeJS.ProcessEnv = process.env): DynamoDBPersistenceLayer {
  const tableName = env[idempotencyTable.envVar];
  if (!tableName) throw new Error(`${idempotencyTable.envVar} is not set: the consumer has no idempotency table`);
  const client = new DynamoDBClient({
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000 },
  });
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: tracer.captureAWSv3Client(client), ...IDEMPOTENCY_ATTRIBUTES });
}
