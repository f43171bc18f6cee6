import type { TestProject } from 'vitest/node';
import path from 'node:path';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/** One in-memory DynamoDB Local for the whole run; each test file makes its own tables. */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDbLocal({ workDir: path.join(ROOT, '.local', 'test') });
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  return async () => {
    await dynamodb.stop();
  };
}
