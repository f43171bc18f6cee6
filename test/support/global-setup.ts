import type { TestProject } from 'vitest/node';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { loadLocalIdentity } from '../../infra/local/local-identity.js';
import { redisAvailable } from './redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/**
 * One in-memory DynamoDB Local for the whole run; each test file makes its own tables. The
 * local signing key is created here once, before workers race for it; under REQUIRE_REDIS=1
 * a missing Redis stops the run.
 */
export default async function setup(project: TestProject) {
  await loadLocalIdentity();
  await redisAvailable();
  const dynamodb = await startDynamoDbLocal({ workDir: path.join(ROOT, '.local', 'test') });
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    await dynamodb.stop();
  };
}
