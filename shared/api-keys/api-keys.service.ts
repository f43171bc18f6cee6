import { emitMetric } from '../observability/emit-metric.js';
import { errorSummary } from '../powertools/error-summary.js';
import { generateApiKey, hashSecret, newSalt, parseApiKey, secretMatches } from '../auth/api-key-format.js';
import { API_KEY_CACHE_MS, type ApiKeyVerifier } from '../auth/authenticator.js';
import { CredentialRejected } from '../auth/credential-rejected.js';
import type { Principal } from '../auth/principal.js';
import { apiKeyHandle, type RevocationList } from '../auth/revocation-list.js';
import { logger } from '../powertools/logger.js';
import { metrics } from '../powertools/metrics.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { ApiKeyNotFoundError } from './api-keys.errors.js';
import type { ApiKeyCreate, ApiKeyCreated, ApiKeyView } from './api-keys.schemas.js';

export interface ApiKeysDeps {
  store: ApiKeyStore;
  /** Needed by `revoke` only. */
  revocations?: RevocationList;
  now?: () => Date;
}

export interface ApiKeysService extends ApiKeyVerifier {
  create(input: ApiKeyCreate, createdBy: string): Promise<ApiKeyCreated>;
  list(): Promise<ApiKeyView[]>;
  revoke(keyId: string): Promise<void>;
}

/** Compared against when the key id is unknown, so both failures cost one hash. */
const DUMMY = { salt: newSalt(), hash: hashSecret('unknown', newSalt()) };

/** API keys: create (secret shown once), list, revoke, and verification for the authorizer. */
export function createApiKeysService(deps: ApiKeysDeps): ApiKeysService {
  const now = deps.now ?? (() => new Date());
  return {
    async create(input, createdBy) {
      const key = generateApiKey();
      const salt = newSalt();
      const record: ApiKeyRecord = {
        key_id: key.keyId,
        name: input.name,
        role: input.role,
        created_at: now().toISOString(),
        created_by: createdBy,
        salt,
        secret_hash: hashSecret(key.secret, salt),
      };
      await deps.store.put(record);
      logger.info('API key created', { key_id: record.key_id, key_role: record.role });
      return { ...viewOf(record), api_key: key.value };
    },

    async list() {
      const records = await deps.store.list();
      return records.map(viewOf).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.key_id.localeCompare(b.key_id));
    },

    async revoke(keyId) {
      if (!deps.revocations) throw new Error('revoking API keys needs the revocation list');
      if (!(await deps.store.remove(keyId))) throw new ApiKeyNotFoundError(keyId);
      logger.info('API key deleted', { key_id: keyId });
      // Warm authorizers may still hold the key's verification for API_KEY_CACHE_MS; the
      // revocation list closes that window. The key itself is gone either way.
      const until = Math.ceil((now().getTime() + API_KEY_CACHE_MS) / 1000);
      try {
        await deps.revocations.revoke(apiKeyHandle(keyId), until);
      } catch (error) {
        logger.warn('deleted API key not added to the revocation list; cached verifications expire on their own', {
          key_id: keyId,
          error: errorSummary(error),
        });
        emitMetric(metrics, 'ApiKeyRevocationNotListed');
      }
    },

    async verify(value): Promise<Principal> {
      const parsed = parseApiKey(value);
      if (!parsed) throw new CredentialRejected('malformed', 'apiKey.format');
      const record = await deps.store.get(parsed.keyId);
      if (!record) {
        secretMatches(parsed.secret, DUMMY.salt, DUMMY.hash);
        throw new CredentialRejected('invalid', 'apiKey.unknown');
      }
      if (!secretMatches(parsed.secret, record.salt, record.secret_hash)) throw new CredentialRejected('invalid', 'apiKey.secret');
      return { sub: record.key_id, role: record.role, method: 'api_key' };
    },
  };
}

function viewOf(record: ApiKeyRecord): ApiKeyView {
  return {
    key_id: record.key_id,
    name: record.name,
    role: record.role,
    created_at: record.created_at,
    created_by: record.created_by,
  };
}
