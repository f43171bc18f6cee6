import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../shared/api-keys/api-key-store.js';
import { apiKeysTable } from '../../shared/api-keys/api-keys.table.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbApiKeyStore } from '../../shared/store/dynamodb/dynamodb-api-key-store.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbApiKeyStore;
let tableName: string;

beforeAll(async () => {
  tables = await createLocalTables();
  tableName = process.env[apiKeysTable.envVar]!;
  client = createDocumentClient(process.env);
  store = new DynamoDbApiKeyStore(client, tableName);
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

const record = (keyId: string, name = 'Key'): ApiKeyRecord => ({
  key_id: keyId,
  name,
  role: 'staff',
  created_at: '2026-11-25T12:00:00.000Z',
  created_by: 'admin-1',
  salt: 'c2FsdHNhbHRzYWx0c2FsdA',
  secret_hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g',
});

describe('DynamoDbApiKeyStore against DynamoDB Local', () => {
  it('stores a key under pk = key id and reads it back whole', async () => {
    await store.put(record('ak_aaaaaaaaaaaaaaaa'));
    const raw = await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'ak_aaaaaaaaaaaaaaaa' } }));
    expect(raw.Item).toMatchObject({ pk: 'ak_aaaaaaaaaaaaaaaa', role: 'staff', secret_hash: expect.any(String) });
    expect(raw.Item).not.toHaveProperty('key_id');
    expect(await store.get('ak_aaaaaaaaaaaaaaaa')).toEqual(record('ak_aaaaaaaaaaaaaaaa'));
    expect(await store.get('ak_zzzzzzzzzzzzzzzz')).toBeUndefined();
  });

  it('never overwrites an existing key id', async () => {
    await store.put(record('ak_bbbbbbbbbbbbbbbb', 'First'));
    await expect(store.put(record('ak_bbbbbbbbbbbbbbbb', 'Second'))).rejects.toThrow();
    expect((await store.get('ak_bbbbbbbbbbbbbbbb'))?.name).toBe('First');
  });

  it('lists keys without reading salts or hashes from the table', async () => {
    await store.put(record('ak_cccccccccccccccc'));
    const listed = await store.list();
    const entry = listed.find((candidate) => candidate.key_id === 'ak_cccccccccccccccc');
    expect(entry).toMatchObject({ name: 'Key', role: 'staff', created_by: 'admin-1', salt: '', secret_hash: '' });
  });

  it('deletes, telling whether there was a key', async () => {
    await store.put(record('ak_dddddddddddddddd'));
    expect(await store.remove('ak_dddddddddddddddd')).toBe(true);
    expect(await store.remove('ak_dddddddddddddddd')).toBe(false);
    expect(await store.get('ak_dddddddddddddddd')).toBeUndefined();
  });
});
