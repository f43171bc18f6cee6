import { describe, expect, it } from 'vitest';
import { CredentialRejected } from '../auth/credential-rejected.js';
import type { RevocationList } from '../auth/revocation-list.js';
import { DependencyUnavailableError } from '../errors/app-error.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { ApiKeyNotFoundError } from './api-keys.errors.js';
import { createApiKeysService } from './api-keys.service.js';

/** In-memory fakes at the two ports. */
function setup(options: { revocationDown?: boolean } = {}) {
  const items = new Map<string, ApiKeyRecord>();
  const store: ApiKeyStore = {
    async put(record) {
      items.set(record.key_id, { ...record });
    },
    async get(keyId) {
      return items.get(keyId);
    },
    async list() {
      return [...items.values()];
    },
    async remove(keyId) {
      return items.delete(keyId);
    },
  };
  const revoked: { handle: string; until: number }[] = [];
  const revocations: RevocationList = {
    async isRevoked() {
      return false;
    },
    async revoke(handle, until) {
      if (options.revocationDown) throw new DependencyUnavailableError('Redis', 1);
      revoked.push({ handle, until });
    },
  };
  const now = new Date('2026-11-25T12:00:00.000Z');
  const service = createApiKeysService({ store, revocations, now: () => now });
  return { service, items, revoked, now };
}

async function rejection(promise: Promise<unknown>): Promise<CredentialRejected> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CredentialRejected);
  return error as CredentialRejected;
}

describe('API keys service', () => {
  it('creates a key whose secret is returned once and stored only as a salted hash', async () => {
    const { service, items } = setup();
    const created = await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    const [keyId, secret] = created.api_key.split('.') as [string, string];
    expect(created).toMatchObject({ key_id: keyId, name: 'Exporter', role: 'staff', created_by: 'admin-1', created_at: '2026-11-25T12:00:00.000Z' });
    const stored = items.get(keyId)!;
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored.secret_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives two keys different salts, so equal secrets would not hash alike', async () => {
    const { service, items } = setup();
    await service.create({ name: 'a', role: 'viewer' }, 'admin-1');
    await service.create({ name: 'b', role: 'viewer' }, 'admin-1');
    const [first, second] = [...items.values()];
    expect(first!.salt).not.toBe(second!.salt);
  });

  it('verifies a key to a principal with its role', async () => {
    const { service } = setup();
    const created = await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    await expect(service.verify(created.api_key)).resolves.toEqual({ sub: created.key_id, role: 'staff', method: 'api_key' });
  });

  it('refuses a wrong secret, an unknown id and malformed values', async () => {
    const { service } = setup();
    const created = await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    const [keyId, secret] = created.api_key.split('.') as [string, string];
    const flipped = `${keyId}.${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    expect((await rejection(service.verify(flipped))).detail).toBe('apiKey.secret');
    expect((await rejection(service.verify(`ak_${'0'.repeat(16)}.${secret}`))).detail).toBe('apiKey.unknown');
    for (const malformed of ['', keyId, secret, `${keyId}.${secret}!`, `AK_${keyId.slice(3)}.${secret}`, `${keyId}.${secret.slice(1)}`]) {
      expect((await rejection(service.verify(malformed))).failure).toBe('malformed');
    }
  });

  it('lists keys oldest first without secrets, salts or hashes', async () => {
    const { service } = setup();
    await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    const listed = await service.list();
    expect(Object.keys(listed[0]!).sort()).toEqual(['created_at', 'created_by', 'key_id', 'name', 'role']);
  });

  it('revokes: deletes the key and lists it as revoked for the authorizer cache window', async () => {
    const { service, items, revoked, now } = setup();
    const created = await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    await service.revoke(created.key_id);
    expect(items.has(created.key_id)).toBe(false);
    expect(revoked).toEqual([{ handle: `api-key:${created.key_id}`, until: now.getTime() / 1000 + 60 }]);
    await expect(service.revoke(created.key_id)).rejects.toBeInstanceOf(ApiKeyNotFoundError);
  });

  it('still deletes a key while the revocation list is down', async () => {
    const { service, items } = setup({ revocationDown: true });
    const created = await service.create({ name: 'Exporter', role: 'staff' }, 'admin-1');
    await service.revoke(created.key_id);
    expect(items.has(created.key_id)).toBe(false);
  });
});
