import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROOT } from '../../infra/build/bundle-functions.js';
import { createTables } from '../../infra/local/create-tables.js';
import { LOCAL_AWS_ENV, startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { tableDesigns } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { functionEnv } from './function-env.js';

/** DynamoDB Local's working folder for every benchmark (it writes metadata there). */
export const BENCH_LOCAL_DIR = path.join(ROOT, '.local', 'bench');

export interface BenchDatabase {
  endpoint: string;
  /** Env the bundled functions see; already applied to process.env. */
  env: Record<string, string>;
  client: DynamoDBClient;
  /** A DocumentClient configured exactly like the functions' one. */
  doc: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (in memory unless `dbPath` is given), creates every registered table
 * and points process.env at them, so bundles imported afterwards find their tables.
 */
export async function startBenchDatabase(options: { dbPath?: string } = {}): Promise<BenchDatabase> {
  const dynamodb = await startDynamoDbLocal({ workDir: BENCH_LOCAL_DIR, ...(options.dbPath ? { dbPath: options.dbPath } : {}) });
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const tableEnv = await createTables(client, tableDesigns);
    const env = functionEnv({ ...tableEnv, DYNAMODB_ENDPOINT: dynamodb.endpoint });
    Object.assign(process.env, env);
    const doc = createDocumentClient(env);
    return {
      endpoint: dynamodb.endpoint,
      env,
      client,
      doc,
      stop: async () => {
        // The DocumentClient's sockets close with DynamoDB Local (its destroy() is a no-op).
        client.destroy();
        await dynamodb.stop();
      },
    };
  } catch (error) {
    client.destroy();
    await dynamodb.stop();
    throw error;
  }
}
