import type { Role } from '../auth/role.js';

/** A key as stored: the view fields plus the salt and hash of its secret. */
export interface ApiKeyRecord {
  key_id: string;
  name: string;
  role: Role;
  created_at: string;
  created_by: string;
  salt: string;
  secret_hash: string;
}

/** Persistence of API keys (DynamoDB adapter: `shared/store/dynamodb/dynamodb-api-key-store.ts`). */
export interface ApiKeyStore {
  /** Stores a new key; key ids are random, so a collision is an error, not a conflict. */
  put(record: ApiKeyRecord): Promise<void>;
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  /** Deletes the key; false when there was none. */
  remove(keyId: string): Promise<boolean>;
}
