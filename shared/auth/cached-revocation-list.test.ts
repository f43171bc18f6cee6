import { describe, expect, it } from 'vitest';
import { CachedRevocationList } from './cached-revocation-list.js';
import type { RevocationList } from './revocation-list.js';

function durableList() {
  const revoked = new Map<string, number>();
  const state = { reads: 0, failing: false, gate: undefined as Promise<void> | undefined };
  const list: RevocationList = {
    async isRevoked(handle) {
      state.reads++;
      if (state.gate) await state.gate;
      if (state.failing) throw new Error('DynamoDB unreachable');
      return revoked.has(handle);
    },
    async revoke(handle, expiresAt) {
      revoked.set(handle, expiresAt);
    },
  };
  return { list, revoked, state };
}

describe('CachedRevocationList', () => {
  it('reuses an answer for its ttl, then asks the durable list again', async () => {
    let clock = 1_000_000;
    const { list, revoked, state } = durableList();
    const cached = new CachedRevocationList(list, 1_000, () => clock);
    expect(await cached.isRevoked('j1')).toBe(false);
    expect(await cached.isRevoked('j1')).toBe(false);
    expect(state.reads).toBe(1);
    revoked.set('j1', 2_000_000);
    clock += 1_001;
    expect(await cached.isRevoked('j1')).toBe(true);
    expect(state.reads).toBe(2);
  });

  it('shares one read among concurrent checks of a handle', async () => {
    const { list, state } = durableList();
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    const cached = new CachedRevocationList(list, 0);
    const checks = Array.from({ length: 50 }, () => cached.isRevoked('burst'));
    open();
    expect(await Promise.all(checks)).toEqual(Array(50).fill(false));
    expect(state.reads).toBe(1);
  });

  it('knows its own revocations at once and never caches a failed check', async () => {
    const { list, state } = durableList();
    const cached = new CachedRevocationList(list, 60_000);
    expect(await cached.isRevoked('j2')).toBe(false);
    await cached.revoke('j2', Math.floor(Date.now() / 1000) + 60);
    expect(await cached.isRevoked('j2')).toBe(true);
    state.failing = true;
    await expect(cached.isRevoked('j3')).rejects.toThrow(/unreachable/);
    await expect(cached.isRevoked('j3')).rejects.toThrow(/unreachable/);
    expect(state.reads).toBe(3);
  });
});
