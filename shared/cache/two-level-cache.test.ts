import { describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError } from '../errors/app-error.js';
import { InvalidCachePatternError } from './cache.errors.js';
import type { L2Backend, L2Command, L2Reply } from './l2-backend.js';
import { MemoryBackend } from './memory-cache.js';
import { TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache.js';

/**
 * The cache's logic against the in-memory L2 (Redis semantics for the commands used);
 * the same behaviour against the real Redis is in test/integration/cache-*.test.ts.
 */
const scope = { entity: 'students', ttlSeconds: 60 };

/** An L2 that can be switched to fail every call, counting the calls it received. */
class SwitchableBackend implements L2Backend {
  failing = false;
  calls = 0;
  private readonly listeners: (() => void)[] = [];
  constructor(readonly inner = new MemoryBackend()) {}
  private check() {
    this.calls++;
    if (this.failing) throw new Error('connect ECONNREFUSED');
  }
  async exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    this.check();
    return this.inner.exec(commands);
  }
  async hgetall(key: string) {
    this.check();
    return this.inner.hgetall(key);
  }
  async mget(keys: readonly string[]) {
    this.check();
    return this.inner.mget(keys);
  }
  async *scan(match: string) {
    this.check();
    yield* this.inner.scan(match);
  }
  async unlink(keys: readonly string[]) {
    this.check();
    return this.inner.unlink(keys);
  }
  async evictedKeys() {
    return 0;
  }
  onDisconnect(listener: () => void) {
    this.listeners.push(listener);
  }
  disconnect() {
    for (const listener of this.listeners) listener();
  }
  async close() {}
}

function setup(options: Partial<TwoLevelCacheOptions> = {}) {
  const backend = new SwitchableBackend();
  const warn = vi.fn();
  const addMetric = vi.fn();
  let clock = 1_000_000;
  const make = (extra: Partial<TwoLevelCacheOptions> = {}) =>
    new TwoLevelCache(backend, { prefix: 't:', settleMs: 0, logger: { warn }, metrics: { addMetric }, now: () => clock, ...options, ...extra });
  return { backend, warn, addMetric, make, advance: (ms: number) => (clock += ms) };
}

/** A loader that counts its calls and answers a fresh object each time. */
function loader<T>(value: () => T) {
  const load = vi.fn(async () => value());
  return load;
}

describe('TwoLevelCache reads', () => {
  it('loads on a miss, then answers from L2 in another container and from L1 in the same one', async () => {
    const { make } = setup();
    const a = make();
    const b = make();
    const load = loader(() => ({ id: 'S1', n: 1 }));
    expect(await a.item(scope, 'S1', load)).toEqual({ id: 'S1', n: 1 });
    expect(await b.item(scope, 'S1', load)).toEqual({ id: 'S1', n: 1 });
    expect(await b.item(scope, 'S1', load)).toEqual({ id: 'S1', n: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    await Promise.all([a.flushStats(), b.flushStats()]);
    const stats = await a.stats();
    expect(stats.l1).toMatchObject({ hits: 1, misses: 2, size: 2, hit_rate_percent: 33.33 });
    expect(stats.l2).toMatchObject({ hits: 1, misses: 1, size: 1, hit_rate_percent: 50 });
  });

  it('counts CacheHit for reads answered by L1 or L2 and CacheMiss for reads that loaded', async () => {
    const { make, addMetric } = setup();
    const a = make();
    const b = make();
    const load = loader(() => ({ id: 'S1' }));
    await a.item(scope, 'S1', load); // miss: loaded
    await b.item(scope, 'S1', load); // L2 hit
    await b.item(scope, 'S1', load); // L1 hit
    await a.list(scope, { q: 'all' }, async () => []); // miss
    const counted = (name: string) => addMetric.mock.calls.filter(([metric]) => metric === name).reduce((sum, call) => sum + (call[2] as number), 0);
    expect({ hits: counted('CacheHit'), misses: counted('CacheMiss') }).toEqual({ hits: 2, misses: 2 });
    expect(addMetric).toHaveBeenCalledWith('CacheHit', 'Count', 1);
  });

  it('stores values as JSON, with the write token they were read under, at <prefix>{<entity>}:v<ns>:item:<id>', async () => {
    const { backend, make } = setup();
    await make().item(scope, 'S1', async () => ({ id: 'S1' }));
    expect(await backend.inner.mget(['t:{students}:v0:item:S1'])).toEqual(['{"w":"","v":{"id":"S1"}}']);
  });

  it('hands out frozen values from the cache, equal to what the loader returned', async () => {
    const { make } = setup();
    const cache = make();
    const loaded = await cache.item(scope, 'S1', async () => ({ id: 'S1', tags: ['a'] }));
    const cached = await cache.item(scope, 'S1', async () => ({ id: 'other', tags: [] }));
    expect(cached).toEqual(loaded);
    expect(Object.isFrozen(cached) && Object.isFrozen(cached.tags)).toBe(true);
  });

  it('keys list pages by the canonical query: member order does not matter, values do', async () => {
    const { make } = setup();
    const cache = make();
    const load = loader(() => ({ items: [] }));
    await cache.list(scope, { q: { sort: 'x', page_size: 10 }, p: 1, k: null }, load);
    await cache.list(scope, { k: null, p: 1, q: { page_size: 10, sort: 'x' } }, load);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.list(scope, { q: { sort: 'x', page_size: 10 }, p: 2, k: null }, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('treats an entry that is not JSON as a miss and replaces it', async () => {
    const { backend, make } = setup();
    await backend.inner.exec([{ op: 'set', key: 't:{students}:v0:item:S1', value: '{broken', ttlMs: 60_000 }]);
    const cache = make();
    expect(await cache.item(scope, 'S1', async () => ({ ok: true }))).toEqual({ ok: true });
    expect(await backend.inner.mget(['t:{students}:v0:item:S1'])).toEqual(['{"w":"","v":{"ok":true}}']);
  });

  it('does not cache a failed load', async () => {
    const { make } = setup();
    const cache = make();
    await expect(cache.item(scope, 'S1', async () => Promise.reject(new Error('not found')))).rejects.toThrow('not found');
    expect(await cache.item(scope, 'S1', async () => 'found')).toBe('found');
  });

  it('counts L1 capacity evictions', async () => {
    const { make } = setup();
    const cache = make({ l1MaxEntries: 2 });
    for (const id of ['A', 'B', 'C', 'D']) await cache.item(scope, id, async () => id);
    await cache.flushStats();
    expect((await cache.stats()).l1).toMatchObject({ evictions: 2, size: 2 });
  });

  it('works without L1 (every hit from L2)', async () => {
    const { make } = setup();
    const cache = make({ l1MaxEntries: 0 });
    const load = loader(() => 'v');
    await cache.item(scope, 'S1', load);
    await cache.item(scope, 'S1', load);
    await cache.flushStats();
    const stats = await cache.stats();
    expect(load).toHaveBeenCalledTimes(1);
    expect(stats.l1).toMatchObject({ hits: 0, misses: 0, size: 0 });
    expect(stats.l2).toMatchObject({ hits: 1, misses: 1 });
  });
});

describe('TwoLevelCache invalidation', () => {
  it('stops every container from serving the written item and the list pages after a write', async () => {
    const { backend, make } = setup();
    const a = make();
    const b = make();
    let version = 1;
    const item = () => ({ v: version });
    const page = () => ({ items: [version] });
    await a.item(scope, 'S1', async () => item());
    await b.item(scope, 'S1', async () => item());
    await b.list(scope, { p: 1 }, async () => page());
    version = 2;
    await a.invalidate('students', 'S1');
    // The item's token and the list version move, its entry goes; the namespace stays.
    const [ns, lns, token, entry] = await backend.inner.mget(['t:{students}:ns', 't:{students}:lns', 't:{students}:w:S1', 't:{students}:v0:item:S1']);
    expect([ns, lns, entry]).toEqual([null, '1', null]);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(await b.item(scope, 'S1', async () => item())).toEqual({ v: 2 });
    expect(await b.list(scope, { p: 1 }, async () => page())).toEqual({ items: [2] });
    expect(await a.item(scope, 'S1', async () => ({ v: 'unused' }))).toEqual({ v: 2 });
  });

  it('collapses concurrent misses on one key into one load', async () => {
    const { make } = setup();
    const cache = make();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = vi.fn(async () => {
      await gate;
      return { id: 'S1' };
    });
    const reads = Array.from({ length: 10 }, () => cache.item(scope, 'S1', load));
    release();
    const values = await Promise.all(reads);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(values.map((value) => JSON.stringify(value)))).toEqual(new Set(['{"id":"S1"}']));
  });

  it('does not let a read that starts after a write join a load that began before it', async () => {
    const { make } = setup();
    const cache = make();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const before = cache.item(scope, 'S1', async () => {
      await gate;
      return 'old';
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await cache.invalidate('students', 'S1');
    const after = cache.item(scope, 'S1', async () => 'new');
    release();
    expect(await before).toBe('old');
    expect(await after).toBe('new');
    expect(await cache.item(scope, 'S1', async () => 'unused')).toBe('new');
  });

  it('serves but does not store list pages while the entity settles after a write; the item is stored at once', async () => {
    const { make } = setup();
    const cache = make({ settleMs: 50 });
    await cache.invalidate('students', 'S1');
    const load = loader(() => 'lagging');
    await cache.list(scope, { p: 1 }, load);
    await cache.list(scope, { p: 1 }, load);
    expect(load).toHaveBeenCalledTimes(2);
    const item = loader(() => 'fresh');
    await cache.item(scope, 'S1', item);
    await cache.item(scope, 'S1', item);
    expect(item).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cache.list(scope, { p: 1 }, load);
    await cache.list(scope, { p: 1 }, load);
    expect(load).toHaveBeenCalledTimes(3);
  });
});

describe('TwoLevelCache when L2 fails', () => {
  it('answers from the loader, opens the breaker once, warns once and counts CacheUnavailable', async () => {
    const { backend, warn, addMetric, make, advance } = setup({ breakerOpenMs: 15_000 });
    const cache = make();
    await cache.item(scope, 'S1', async () => 'cached');
    backend.failing = true;
    const load = loader(() => 'from store');
    for (let i = 0; i < 5; i++) expect(await cache.item(scope, 'S1', load)).toBe('from store');
    expect(load).toHaveBeenCalledTimes(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(addMetric.mock.calls.filter(([name]) => name === 'CacheUnavailable')).toEqual([['CacheUnavailable', 'Count', 1]]);
    expect(addMetric.mock.calls.filter(([name]) => name === 'CircuitOpen')).toHaveLength(1);
    const callsWhileOpen = backend.calls;
    await cache.item(scope, 'S1', load);
    await cache.invalidate('students', 'S1');
    expect(backend.calls).toBe(callsWhileOpen);

    advance(15_000);
    await cache.item(scope, 'S1', load); // half-open: one try, fails, opens again
    expect(backend.calls).toBe(callsWhileOpen + 1);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('never serves L1 while L2 is unreachable, and replays a missed invalidation on recovery', async () => {
    const { backend, make, advance } = setup({ breakerOpenMs: 1_000 });
    const writer = make();
    const reader = make();
    await reader.item(scope, 'S1', async () => 'v1');
    backend.failing = true;
    await writer.invalidate('students', 'S1'); // fails: remembered
    expect(await reader.item(scope, 'S1', async () => 'v2 from store')).toBe('v2 from store');
    backend.failing = false;
    advance(1_000);
    await writer.item(scope, 'S2', async () => 'other'); // the first command replays the INCR
    expect(await backend.inner.mget(['t:{students}:ns'])).toEqual(['1']);
    expect(await reader.item(scope, 'S1', async () => 'v2')).toBe('v2');
  });

  it('after an outage it saw, moves the namespaces it knows: writers may not have reached L2 either', async () => {
    const { backend, make, advance } = setup({ breakerOpenMs: 1_000 });
    const reader = make();
    await reader.item(scope, 'S1', async () => 'v1'); // in L2 now
    backend.failing = true;
    expect(await reader.item(scope, 'S1', async () => 'v2 from store')).toBe('v2 from store');
    // …meanwhile another container wrote v2 and could not invalidate, and is never heard of again.
    backend.failing = false;
    advance(1_000);
    expect(await reader.item(scope, 'S1', async () => 'v2')).toBe('v2');
    expect(await backend.inner.mget(['t:{students}:ns'])).toEqual(['1']);
  });

  it('drops L1 when the connection drops', async () => {
    const { backend, make } = setup();
    const cache = make();
    await cache.item(scope, 'S1', async () => 'v1');
    backend.disconnect();
    await cache.flushStats();
    expect((await cache.stats()).l1.size).toBe(0);
  });

  it('fails admin operations with a 503-mapped error instead of pretending', async () => {
    const { backend, make } = setup();
    const cache = make();
    backend.failing = true;
    await expect(cache.clear()).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(cache.invalidatePattern('students:*')).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(cache.stats()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('TwoLevelCache admin operations', () => {
  it('clear() removes every entry, keeps namespace keys, and makes other L1s reload', async () => {
    const { backend, make } = setup();
    const a = make();
    const b = make();
    await a.item(scope, 'S1', async () => 'v1');
    await a.item({ entity: 'courses', ttlSeconds: 60 }, 'C1', async () => 'c1');
    await b.list(scope, { p: 1 }, async () => ['v1']);
    expect(await a.clear()).toBe(3);
    expect(await backend.inner.mget(['t:{students}:ns', 't:{courses}:ns'])).toEqual(['1', '1']);
    expect(await b.list(scope, { p: 1 }, async () => ['reloaded'])).toEqual(['reloaded']);
    expect((await a.stats()).l2.size).toBe(1);
  });

  it('invalidatePattern() removes matching entries under the prefix only and returns the count', async () => {
    const { backend, make } = setup();
    const cache = make();
    await cache.item(scope, 'S1', async () => 1);
    await cache.item(scope, 'S2', async () => 2);
    await cache.item({ entity: 'courses', ttlSeconds: 60 }, 'C1', async () => 3);
    await backend.inner.exec([{ op: 'set', key: '{students}:v0:item:S1', value: 'not ours', ttlMs: 60_000 }]);
    expect(await cache.invalidatePattern('students:*')).toBe(2);
    expect(await cache.invalidatePattern('students:*')).toBe(0);
    expect(await backend.inner.mget(['{students}:v0:item:S1', 't:{courses}:v0:item:C1'])).toEqual(['not ours', '{"w":"","v":3}']);
  });

  it('moves the namespace an entity pattern names even when L2 holds none of its entries', async () => {
    const { backend, make } = setup();
    const cache = make();
    expect(await cache.invalidatePattern('students:v0:item:*')).toBe(0);
    expect(await backend.inner.mget(['t:{students}:ns'])).toEqual(['1']);
  });

  it('sends multi-key commands (MGET, UNLINK) for one cluster slot only: a cluster refuses CROSSSLOT', async () => {
    const { backend, make } = setup();
    const multiKey: string[][] = [];
    const { exec, mget, unlink } = { exec: backend.exec.bind(backend), mget: backend.mget.bind(backend), unlink: backend.unlink.bind(backend) };
    backend.exec = async (commands) => {
      for (const command of commands) if (command.op === 'mget') multiKey.push([...command.keys]);
      return exec(commands);
    };
    backend.mget = async (keys) => (multiKey.push([...keys]), mget(keys));
    backend.unlink = async (keys) => (multiKey.push([...keys]), unlink(keys));
    const courses = { entity: 'courses', ttlSeconds: 60 };
    const [a, b] = [make(), make()];
    for (const cache of [a, b]) {
      await cache.item(scope, 'S1', async () => 1);
      await cache.item(courses, 'C1', async () => 2);
      await cache.list(scope, { p: 1 }, async () => [1]);
      await cache.flushStats();
    }
    await a.invalidate('students', 'S1');
    await b.stats();
    await a.invalidatePattern('*:v*:item:*');
    await b.item(scope, 'S1', async () => 1);
    await b.item(courses, 'C1', async () => 2);
    expect(await a.clear()).toBe(3); // the list page and the two items read again
    const hashTag = (key: string) => /\{([^}]+)\}/.exec(key)?.[1] ?? key;
    expect(multiKey.filter((keys) => keys.length > 1).length).toBeGreaterThan(3);
    for (const keys of multiKey) expect(new Set(keys.map(hashTag)), keys.join(' ')).toHaveProperty('size', 1);
  });

  it('refuses an empty pattern', async () => {
    const { make } = setup();
    await expect(make().invalidatePattern('  ')).rejects.toBeInstanceOf(InvalidCachePatternError);
  });

  it('matches the prefix literally even when it contains glob characters', async () => {
    const { backend } = setup();
    const cache = new TwoLevelCache(backend, { prefix: 'a*[b]:', settleMs: 0 });
    await cache.item(scope, 'S1', async () => 1);
    await backend.inner.exec([{ op: 'set', key: 'aX[b]:{students}:v0:item:S1', value: '1', ttlMs: 60_000 }]);
    expect(await cache.clear()).toBe(1);
  });
});
