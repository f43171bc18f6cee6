import { describe, expect, it, vi } from 'vitest';
import type { LoadContext } from './entity-cache.js';
import type { L2Backend, L2Command, L2Reply } from './l2-backend.js';
import { MemoryBackend } from './memory-cache.js';
import { TwoLevelCache, type TwoLevelCacheOptions } from './two-level-cache.js';

/**
 * The cache under writes, with several "containers" (cache instances) over one in-memory
 * L2 and one fake clock shared by both, so every ordering and time bound is exact. The same
 * behaviour against the real Redis: test/integration/cache-under-writes.test.ts.
 */
const L1_STALE_MS = 500;
const scope = { entity: 'students', ttlSeconds: 60, l1StaleMs: L1_STALE_MS };

/** The memory L2, counting the round trips (commands sent) it receives. */
class CountingBackend implements L2Backend {
  roundTrips = 0;
  constructor(readonly inner: MemoryBackend) {}
  exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    this.roundTrips++;
    return this.inner.exec(commands);
  }
  hgetall(key: string) {
    this.roundTrips++;
    return this.inner.hgetall(key);
  }
  mget(keys: readonly string[]) {
    this.roundTrips++;
    return this.inner.mget(keys);
  }
  scan(match: string) {
    this.roundTrips++;
    return this.inner.scan(match);
  }
  unlink(keys: readonly string[]) {
    this.roundTrips++;
    return this.inner.unlink(keys);
  }
  evictedKeys() {
    return this.inner.evictedKeys();
  }
  onDisconnect() {}
  async close() {}
}

function setup() {
  let clock = 1_000_000;
  const now = () => clock;
  const backend = new CountingBackend(new MemoryBackend(now));
  const container = (options: Partial<TwoLevelCacheOptions> = {}) =>
    new TwoLevelCache(backend, { prefix: 'w:', settleMs: 0, now, logger: { warn: vi.fn() }, metrics: { addMetric: vi.fn() }, ...options });
  return { backend, container, advance: (ms: number) => (clock += ms) };
}

/** A store of one value per id, loaded through spies that record the LoadContext they got. */
function fakeStore() {
  const values = new Map<string, string>();
  const load = vi.fn(async (id: string, _context?: LoadContext) => values.get(id) ?? `${id}@1`);
  return { values, load, loader: (id: string) => (context: LoadContext) => load(id, context) };
}

/** A promise and its resolver, to hold a load open while the test writes. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('TwoLevelCache under writes', () => {
  it('keeps other items cached when one item is written, in every container', async () => {
    const { container } = setup();
    const [writer, reader, late] = [container(), container(), container()];
    const store = fakeStore();
    await reader.item(scope, 'S1', store.loader('S1'));
    await reader.item(scope, 'S2', store.loader('S2'));
    store.values.set('S2', 'S2@2');
    await writer.invalidate('students', 'S2');
    expect(await late.item(scope, 'S1', store.loader('S1'))).toBe('S1@1');
    expect(await writer.item(scope, 'S1', store.loader('S1'))).toBe('S1@1');
    expect(await late.item(scope, 'S2', store.loader('S2'))).toBe('S2@2');
    expect(store.load.mock.calls.map(([id]) => id)).toEqual(['S1', 'S2', 'S2']);
  });

  it('never keeps what a reader loaded before a write that finished during its load', async () => {
    const { container, advance } = setup();
    const [reader, writer, other] = [container(), container(), container()];
    const held = gate();
    const loading = gate();
    const slow = reader.item(scope, 'S1', async () => {
      loading.open(); // the reader looked the item up: no entry, the token it saw is ''
      await held.opened;
      return 'S1@1'; // what the store held when this read ran
    });
    await loading.opened;
    await writer.invalidate('students', 'S1'); // S1@2 was written
    held.open();
    expect(await slow).toBe('S1@1');
    // What the slow reader stored carries the token of before the write: nobody serves it.
    expect(await other.item(scope, 'S1', async () => 'S1@2')).toBe('S1@2');
    expect(await writer.item(scope, 'S1', async () => 'unused')).toBe('S1@2');
    // Its own L1 copy dates from before the write: served at most until the bound runs out.
    advance(L1_STALE_MS);
    expect(await reader.item(scope, 'S1', async () => 'unused')).toBe('S1@2');
  });

  it('does not let an entry read before a token existed outlive that token', async () => {
    const { container, advance } = setup();
    const [reader, writer, other] = [container({ writeTokenMs: 1_000 }), container({ writeTokenMs: 1_000 }), container({ writeTokenMs: 1_000 })];
    const held = gate();
    const loading = gate();
    const slow = reader.item(scope, 'S1', async () => {
      loading.open();
      await held.opened;
      return 'S1@1';
    });
    await loading.opened;
    advance(100);
    await writer.invalidate('students', 'S1'); // token lives until +1100
    advance(300);
    held.open();
    await slow; // stored at +400 under token '': must be gone before the token expires
    advance(701); // +1101: the token is gone, so '' is current again
    expect(await other.item(scope, 'S1', async () => 'S1@2')).toBe('S1@2');
  });

  it('asks the loader for a strongly consistent read on a miss after a write, and only then', async () => {
    const { container, advance } = setup();
    const [writer, reader] = [container(), container()];
    const store = fakeStore();
    await reader.item(scope, 'S1', store.loader('S1'));
    await writer.invalidate('students', 'S1');
    advance(L1_STALE_MS);
    await reader.item(scope, 'S1', store.loader('S1'));
    await reader.item(scope, 'S2', store.loader('S2'));
    expect(store.load.mock.calls).toEqual([
      ['S1', { consistent: false }],
      ['S1', { consistent: true }],
      ['S2', { consistent: false }],
    ]);
  });

  it('serves L1 hits with no round trip within l1StaleMs, then checks two small keys once', async () => {
    const { backend, container, advance } = setup();
    const cache = container({ statsFlushEvents: 1_000, statsFlushIntervalMs: 60_000 });
    await cache.item(scope, 'S1', async () => ({ id: 'S1' }));
    const before = backend.roundTrips;
    advance(L1_STALE_MS - 1);
    for (let i = 0; i < 50; i++) expect(await cache.item(scope, 'S1', async () => ({ id: 'unused' }))).toEqual({ id: 'S1' });
    expect(backend.roundTrips).toBe(before);
    advance(1);
    const mget = vi.spyOn(backend.inner, 'exec');
    await cache.item(scope, 'S1', async () => ({ id: 'unused' }));
    expect(backend.roundTrips).toBe(before + 1);
    expect(mget.mock.calls[0]![0]).toEqual([{ op: 'mget', keys: ['w:{students}:ns', 'w:{students}:w:S1'] }]);
    // Confirmed: no round trip again for another l1StaleMs.
    advance(L1_STALE_MS - 1);
    await cache.item(scope, 'S1', async () => ({ id: 'unused' }));
    expect(backend.roundTrips).toBe(before + 1);
    await cache.flushStats();
    expect((await cache.stats()).l1).toMatchObject({ hits: 52, misses: 1 });
  });

  it('shows a write to its own container at once and to another within l1StaleMs', async () => {
    const { container, advance } = setup();
    const [a, b] = [container(), container()];
    const store = fakeStore();
    expect(await b.item(scope, 'S1', store.loader('S1'))).toBe('S1@1');
    expect(await a.item(scope, 'S1', store.loader('S1'))).toBe('S1@1');
    advance(100);
    store.values.set('S1', 'S1@2');
    await a.invalidate('students', 'S1'); // the write returns at +100
    expect(await a.item(scope, 'S1', store.loader('S1'))).toBe('S1@2');
    // B may still answer its copy, checked at +0, until +500 (< write + l1StaleMs)…
    advance(L1_STALE_MS - 101);
    expect(await b.item(scope, 'S1', store.loader('S1'))).toBe('S1@1');
    // …and never from then on.
    advance(1);
    expect(await b.item(scope, 'S1', store.loader('S1'))).toBe('S1@2');
  });

  it('drops the list pages of the entity on any write: here at once, elsewhere within l1StaleMs', async () => {
    const { container, advance } = setup();
    const [a, b] = [container(), container()];
    let version = 1;
    const page = async () => ({ items: [version] });
    await a.list(scope, { p: 1 }, page);
    await b.list(scope, { p: 1 }, page);
    version = 2;
    await a.invalidate('students', 'S9'); // an item nobody read
    expect(await a.list(scope, { p: 1 }, page)).toEqual({ items: [2] });
    expect(await b.list(scope, { p: 1 }, page)).toEqual({ items: [1] });
    advance(L1_STALE_MS);
    expect(await b.list(scope, { p: 1 }, page)).toEqual({ items: [2] });
  });

  it('keeps L1 out of a read this container overlapped with its own write', async () => {
    const { container } = setup();
    const cache = container();
    const held = gate();
    const loading = gate();
    const overlapped = cache.item(scope, 'S1', async () => {
      loading.open();
      await held.opened;
      return 'S1@1';
    });
    await loading.opened;
    await cache.invalidate('students', 'S1');
    held.open();
    expect(await overlapped).toBe('S1@1');
    // Within l1StaleMs, yet not the overlapped value: the write's response has gone out.
    expect(await cache.item(scope, 'S1', async () => 'S1@2')).toBe('S1@2');
  });

  it('invalidates a batch of written ids in one round trip: those items and the lists, not the others', async () => {
    const { backend, container, advance } = setup();
    const [writer, reader] = [container(), container()];
    const store = fakeStore();
    let version = 1;
    const page = async () => ({ items: [version] });
    for (const id of ['S1', 'S2', 'S3']) await reader.item(scope, id, store.loader(id));
    await reader.list(scope, { p: 1 }, page);
    for (const id of ['S1', 'S2']) store.values.set(id, `${id}@2`);
    version = 2;
    const before = backend.roundTrips;
    await writer.invalidateMany('students', ['S1', 'S2', 'S1']);
    expect(backend.roundTrips).toBe(before + 1);
    advance(L1_STALE_MS);
    expect(await reader.item(scope, 'S1', store.loader('S1'))).toBe('S1@2');
    expect(await reader.item(scope, 'S2', store.loader('S2'))).toBe('S2@2');
    expect(await reader.item(scope, 'S3', store.loader('S3'))).toBe('S3@1');
    expect(await reader.list(scope, { p: 1 }, page)).toEqual({ items: [2] });
    // S3 was served from the cache; S1 and S2 were loaded again, strongly consistent.
    expect(store.load.mock.calls.slice(3)).toEqual([
      ['S1', { consistent: true }],
      ['S2', { consistent: true }],
    ]);
  });

  it('sends nothing for an empty batch (nothing was written)', async () => {
    const { backend, container } = setup();
    const cache = container();
    let version = 1;
    const page = async () => ({ items: [version] });
    await cache.list(scope, { p: 1 }, page);
    version = 2;
    const before = backend.roundTrips;
    await cache.invalidateMany('students', []);
    expect(backend.roundTrips).toBe(before);
    expect(await cache.list(scope, { p: 1 }, page)).toEqual({ items: [1] });
  });

  it('never throws from invalidateMany when L2 fails, and replays the invalidation once it answers', async () => {
    const { backend, container, advance } = setup();
    const [writer, reader] = [container({ breakerOpenMs: 1_000 }), container()];
    const store = fakeStore();
    await reader.item(scope, 'S1', store.loader('S1'));
    store.values.set('S1', 'S1@2');
    const exec = vi.spyOn(backend.inner, 'exec').mockRejectedValueOnce(new Error('connection reset'));
    await expect(writer.invalidateMany('students', ['S1'])).resolves.toBeUndefined();
    exec.mockRestore();
    advance(1_000);
    await writer.flushStats(); // the first command after the outage carries the replay
    advance(L1_STALE_MS);
    expect(await reader.item(scope, 'S1', store.loader('S1'))).toBe('S1@2');
  });

  it('adds L1 hits that made no round trip to the shared statistics in the background', async () => {
    const { container } = setup();
    const [reader, admin] = [container({ statsFlushEvents: 10 }), container()];
    await reader.item(scope, 'S1', async () => 'v');
    for (let i = 0; i < 20; i++) await reader.item(scope, 'S1', async () => 'unused');
    await new Promise((resolve) => setTimeout(resolve, 0));
    const { l1, l2 } = await admin.stats();
    expect(l1.hits).toBeGreaterThanOrEqual(9);
    expect(l1.misses + l2.misses).toBe(2);
    await reader.flushStats();
    expect((await admin.stats()).l1).toMatchObject({ hits: 20, misses: 1 });
  });
});
