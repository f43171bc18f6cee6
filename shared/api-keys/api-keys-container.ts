import type { RevocationList } from '../auth/revocation-list.js';
import { tracer } from '../powertools/tracer.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbApiKeyStore } from '../store/dynamodb/dynamodb-api-key-store.js';
import { apiKeysTable } from './api-keys.table.js';
import { type ApiKeysService, createApiKeysService } from './api-keys.service.js';

let service: ApiKeysService | undefined;

/**
 * The API keys service of this container over the api-keys table (`API_KEYS_TABLE_NAME`).
 * Only callers that revoke keys pass the revocation list, so the create and list bundles
 * stay free of the Redis client.
 */
export function apiKeysService(deps: { revocations?: RevocationList } = {}, env: NodeJS.ProcessEnv = process.env): ApiKeysService {
  if (!service) {
    const tableName = env[apiKeysTable.envVar];
    if (!tableName) throw new Error(`${apiKeysTable.envVar} is not set`);
    const store = new DynamoDbApiKeyStore(tracer.captureAWSv3Client(createDocumentClient(env)), tableName);
    service = createApiKeysService({ store, ...deps });
  }
  return service;
}
