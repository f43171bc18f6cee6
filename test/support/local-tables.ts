import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTables, dropTables } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { tableDesigns } from '../../shared/registry.js';

export interface LocalTables {
  endpoint: string;
  /** Env vars naming this file's tables, plus endpoint and dummy credentials. */
  env: Record<string, string>;
  client: DynamoDBClient;
  drop(): Promise<void>;
}

/**
 * Creates every registered table under a prefix unique to the calling test file (on the
 * shared DynamoDB Local of the global setup) and points process.env at them.
 */
export async function createLocalTables(): Promise<LocalTables> {
  const endpoint = inject('dynamodbEndpoint');
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableEnv = await createTables(client, tableDesigns, prefix);
  const env = {
    ...LOCAL_AWS_ENV,
    ...tableEnv,
    DYNAMODB_ENDPOINT: endpoint,
    CURSOR_SECRET: randomBytes(32).toString('base64url'),
    CORS_ALLOWED_ORIGINS: 'http://localhost:3000',
  };
  Object.assign(process.env, env);
  return {
    endpoint,
    env,
    client,
    drop: async () => {
      await dropTables(client, prefix);
      client.destroy();
    },
  };
}

/**
 * Registers the `beforeAll`/`afterAll` of a test file that needs its own tables on DynamoDB
 * Local (`createLocalTables`): created before its tests, dropped after them.
 */
export function useLocalTables(): { readonly tables: LocalTables } {
  const fixture = {} as { tables: LocalTables };
  beforeAll(async () => {
    fixture.tables = await createLocalTables();
  });
  afterAll(async () => {
    await fixture.tables?.drop();
  });
  return fixture;
}
