import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revocationsTable } from '../../shared/auth/revocations.table.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../shared/auth/token-lifetime.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbRevocationList } from '../../shared/store/dynamodb/dynamodb-revocation-list.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let tableName: string;
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  tables = await createLocalTables();
  tableName = process.env[revocationsTable.envVar]!;
  client = createDocumentClient(process.env);
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

describe('DynamoDbRevocationList against DynamoDB Local', () => {
  it('records a revocation durably and answers for it', async () => {
    const list = new DynamoDbRevocationList(client, tableName);
    expect(await list.isRevoked('jti-a')).toBe(false);
    await list.revoke('jti-a', nowSeconds() + 3600);
    expect(await list.isRevoked('jti-a')).toBe(true);
    expect(await list.isRevoked('jti-b')).toBe(false);
    // Another container (a new adapter, a new client) sees it: nothing lives in memory.
    const other = new DynamoDbRevocationList(createDocumentClient(process.env), tableName);
    expect(await other.isRevoked('jti-a')).toBe(true);
  });

  it('caps the expiry at the longest token lifetime and lets DynamoDB TTL delete it', async () => {
    const list = new DynamoDbRevocationList(client, tableName);
    await list.revoke('jti-forever', nowSeconds() + 10 * 365 * 86_400);
    const item = (await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'jti-forever' } }))).Item!;
    expect(item.expires_at).toBeLessThanOrEqual(nowSeconds() + MAX_TOKEN_LIFETIME_SECONDS);
    expect(item.expires_at).toBeGreaterThan(nowSeconds() + MAX_TOKEN_LIFETIME_SECONDS - 60);
    const ttl = await tables.client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expires_at', TimeToLiveStatus: 'ENABLED' });
  });

  it('ignores a revocation that expired but TTL has not removed yet, and skips already-expired ones', async () => {
    let clock = nowSeconds();
    const list = new DynamoDbRevocationList(client, tableName, { nowSeconds: () => clock });
    await list.revoke('jti-short', clock + 5);
    expect(await list.isRevoked('jti-short')).toBe(true);
    clock += 6;
    expect(await list.isRevoked('jti-short')).toBe(false);
    await list.revoke('jti-past', clock - 1);
    expect((await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'jti-past' } }))).Item).toBeUndefined();
  });
});

describe('DynamoDbRevocationList when DynamoDB stalls', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    const { hostname, port } = new URL(tables.endpoint);
    proxy = await startTcpProxy({ host: hostname, port: Number(port) });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('rejects a check within its timeout instead of answering "not revoked"', async () => {
    proxy.mode = 'stall';
    const stalled = createDocumentClient({ ...process.env, DYNAMODB_ENDPOINT: `http://127.0.0.1:${proxy.port}` });
    const list = new DynamoDbRevocationList(stalled, tableName, { checkTimeoutMs: 200 });
    const started = Date.now();
    await expect(list.isRevoked('jti-a')).rejects.toThrow();
    // Bounded by the timeout (generous margin for a loaded machine), not by the SDK's retries.
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(list.revoke('jti-c', nowSeconds() + 60)).rejects.toMatchObject({ kind: 'dependencyUnavailable' });
    stalled.destroy();
  }, 60_000);
});
