import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../cache/memory-cache.js';
import { TwoLevelCache } from '../cache/two-level-cache.js';
import { CursorCodec } from '../cursor/cursor-codec.js';
import { AppError, PreconditionFailedError } from '../errors/app-error.js';
import type { EntityStore, StoredItem } from '../store/entity-store.js';
import { products } from '../products/products.entity.js';
import { students } from '../students/students.entity.js';
import { recordingMetrics } from '../../test/support/recording-metrics.js';
import { createEntityService } from './entity-service.js';
import { ConcurrentModificationError, EntityNotFoundError, EntityVersionMismatchError } from './entity.errors.js';

/**
 * In-memory store port whose conditional writes can be made to lose a given number of
 * races, as they do when other writers commit between our read and our write.
 */
function racyStore(lostRaces: number) {
  const items = new Map<string, StoredItem>();
  let losses = lostRaces;
  const writes = { replace: 0, remove: 0 };
  const store: EntityStore = {
    get: async (id) => items.get(id),
    create: async (item) => {
      items.set(String(item.student_id), item);
    },
    replace: async (next, previous) => {
      writes.replace++;
      if (losses > 0 || items.get(String(previous.student_id))?.version !== previous.version) {
        losses--;
        throw new ConcurrentModificationError(String(previous.student_id));
      }
      items.set(String(next.student_id), next);
    },
    remove: async (previous) => {
      writes.remove++;
      if (losses > 0) {
        losses--;
        throw new ConcurrentModificationError(String(previous.student_id));
      }
      items.delete(String(previous.student_id));
    },
    list: async () => ({ items: [] }),
    count: async () => 0,
    ping: async () => undefined,
  };
  return { store, items, writes };
}

const setup = async (lostRaces: number) => {
  const fake = racyStore(lostRaces);
  const metrics = recordingMetrics();
  const service = createEntityService(students, {
    metrics,
    store: fake.store,
    cursors: async () => new CursorCodec('c'.repeat(32)),
    clock: () => new Date('2026-01-01T00:00:00.000Z'),
  });
  await service.create({ student_id: 'S1', first_name: 'An', last_name: 'Nguyen' });
  return { ...fake, service, metrics };
};

describe('entity service writes', () => {
  it('counts StudentsCreated, StudentsUpdated and StudentsDeleted once per write that took effect', async () => {
    const { service, metrics } = await setup(2);
    await service.update('S1', { math_score: 7 }); // two lost races, retried: still one update
    await expect(service.update('S1', { math_score: 8 }, [9])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    await expect(service.remove('NOPE')).rejects.toBeInstanceOf(EntityNotFoundError);
    await service.create({ student_id: 'S2', first_name: 'Binh', last_name: 'Tran' });
    await service.remove('S2');
    expect(metrics.recorded.map(({ name, unit, value }) => `${name} ${unit} ${value}`)).toEqual([
      'StudentsCreated Count 1',
      'StudentsUpdated Count 1',
      'StudentsCreated Count 1',
      'StudentsDeleted Count 1',
    ]);
  });

  it('retries an update without If-Match that lost a race, and applies it once', async () => {
    const { service, writes } = await setup(2);
    const updated = await service.update('S1', { math_score: 7 });
    expect(updated).toMatchObject({ version: 2, math_score: 7, average_score: 7 });
    expect(writes.replace).toBe(3);
  });

  it('answers 412 at once when an update with If-Match loses a race', async () => {
    const { service, writes } = await setup(1);
    await expect(service.update('S1', { math_score: 7 }, [1])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    expect(writes.replace).toBe(1);
  });

  it('answers 412 without writing when If-Match names another version', async () => {
    const { service, writes } = await setup(0);
    await expect(service.update('S1', { math_score: 7 }, [5])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    await expect(service.remove('S1', [])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    expect(writes).toEqual({ replace: 0, remove: 0 });
  });

  it('answers 404 for a missing id', async () => {
    const { service } = await setup(0);
    await expect(service.update('NOPE', {})).rejects.toBeInstanceOf(EntityNotFoundError);
    await expect(service.remove('NOPE')).rejects.toBeInstanceOf(EntityNotFoundError);
  });

  // 412 means "a precondition you sent is false" (RFC 9110 §15.5.13); a request without
  // If-Match sent none, so losing every retry must be reported some other way (409/503).
  it.each([
    ['update', (service: Awaited<ReturnType<typeof setup>>['service']) => service.update('S1', { math_score: 7 })],
    ['remove', (service: Awaited<ReturnType<typeof setup>>['service']) => service.remove('S1')],
  ])('does not answer 412 to an unconditional %s that keeps losing races', async (_label, write) => {
    const { service } = await setup(100);
    const error = await write(service).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).not.toBeInstanceOf(PreconditionFailedError);
  });
});

describe('entity service with a cache', () => {
  const cached = async (entity = students) => {
    const fake = racyStore(0);
    const reads = { get: 0, list: 0 };
    const getOptions: unknown[] = [];
    const store: EntityStore = {
      ...fake.store,
      get: async (id: string, ...options: unknown[]) => {
        reads.get++;
        getOptions.push(options[0]);
        return fake.store.get(id);
      },
      list: async (query) => {
        reads.list++;
        return fake.store.list(query);
      },
    };
    const backend = new MemoryBackend();
    const deps = { store, cursors: async () => new CursorCodec('c'.repeat(32)), clock: () => new Date('2026-01-01T00:00:00.000Z') };
    const service = createEntityService(entity, { ...deps, cache: new TwoLevelCache(backend, { prefix: 'u:', settleMs: 0 }) });
    const uncached = createEntityService(entity, deps);
    await service.create({ student_id: 'S1', first_name: 'An', last_name: 'Nguyen', math_score: 8 });
    return { service, uncached, reads, backend, getOptions };
  };

  it('answers get and list from the cache with exactly what the store path answers', async () => {
    const { service, uncached, reads } = await cached();
    const first = await service.get('S1');
    expect(await service.get('S1')).toEqual(first);
    expect(first).toEqual(await uncached.get('S1'));
    const page = await service.list({ page_size: 5 } as never);
    expect(await service.list({ page_size: 5 } as never)).toEqual(page);
    expect(page).toEqual(await uncached.list({ page_size: 5 } as never));
    expect(reads).toEqual({ get: 2, list: 2 }); // one cached + one uncached each
  });

  it('invalidates after a write, so the next read sees it', async () => {
    const { service, backend } = await cached();
    await service.get('S1');
    await service.list({} as never);
    await service.update('S1', { math_score: 9 });
    expect(await service.get('S1')).toMatchObject({ version: 2, math_score: 9 });
    await service.remove('S1');
    await expect(service.get('S1')).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await backend.mget(['u:{students}:lns'])).toEqual(['3']); // create, update, remove
  });

  it('reads strongly consistent on a get that misses after a write of that item', async () => {
    const { service, getOptions } = await cached();
    await service.update('S1', { math_score: 9 });
    getOptions.length = 0;
    await service.get('S1');
    await service.get('S3').catch(() => undefined);
    expect(getOptions).toEqual([{ consistent: true }, { consistent: false }]);
  });

  it('does not invalidate when a write certainly wrote nothing', async () => {
    const { service, backend } = await cached();
    await expect(service.update('S1', { math_score: 9 }, [7])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    await expect(service.remove('S1', [])).rejects.toBeInstanceOf(EntityVersionMismatchError);
    await expect(service.remove('NOPE')).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await backend.mget(['u:{students}:lns'])).toEqual(['1']); // the setup's create only
  });

  it('does not cache an entity that declares no TTL', async () => {
    const { service, reads } = await cached({ ...students, cache: undefined });
    await service.get('S1');
    await service.get('S1');
    expect(reads.get).toBe(2);
  });
});

describe('entity service and read-only fields', () => {
  it('creates with the declared initial values and keeps stored ones on update, whatever the caller passes', async () => {
    const items = new Map<string, StoredItem>();
    const store: EntityStore = {
      get: async (id) => items.get(id),
      create: async (item) => void items.set(String(item.sku), item),
      replace: async (next) => void items.set(String(next.sku), next),
      remove: async () => undefined,
      list: async () => ({ items: [] }),
      count: async () => 0,
      ping: async () => undefined,
    };
    const service = createEntityService(products, { store, cursors: async () => new CursorCodec('c'.repeat(32)) });
    const created = await service.create({ sku: 'RO-1', name: 'Mug', price_minor: 1, currency: 'EUR', stock_available: 99 });
    expect(created).toMatchObject({ stock_available: 0, stock_reserved: 0 });
    items.set('RO-1', { ...items.get('RO-1')!, stock_available: 7 });
    const updated = await service.update('RO-1', { name: 'Cup', stock_available: 1000, stock_reserved: 5 });
    expect(updated).toMatchObject({ name: 'Cup', stock_available: 7, stock_reserved: 0, version: 2 });
  });
});
