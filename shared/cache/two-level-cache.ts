import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { AppError, DependencyUnavailableError } from '../errors/app-error.js';
import { emitMetric, type MetricSink } from '../observability/emit-metric.js';
import { errorSummary } from '../powertools/error-summary.js';
import { logger as powertoolsLogger } from '../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../powertools/metrics.js';
import { CacheCounters, type CounterDeltas } from './cache-counters.js';
import { CacheKeys, queryHash } from './cache-keys.js';
import { readStats, unlinkEntries } from './cache-maintenance.js';
import { InvalidCachePatternError } from './cache.errors.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { CacheAdmin, CacheScope, CacheStats, CanonicalQuery, EntityCache, ListCacheOptions, LoadContext } from './entity-cache.js';
import { type Lookup, type ReadSpec, stampOf, unwrap, wrap } from './cache-entry.js';
import { L1Cache } from './l1-cache.js';
import type { L2Backend, L2Command, L2Reply } from './l2-backend.js';
import type { TwoLevelCacheOptions } from './two-level-cache-options.js';

export type { TwoLevelCacheOptions } from './two-level-cache-options.js';

/** A container that stopped reporting (Lambda recycled it) stops counting toward L1 size. */
const L1_REPORT_TTL_MS = 10 * 60_000;
const ADMIN_RETRY_AFTER_SECONDS = 5;

/** What a loader is told when the cache cannot say whether the item was written recently. */
const UNKNOWN: LoadContext = { consistent: true };

/**
 * Cache-aside over two levels: an in-container LRU (L1) in front of Redis/Valkey (L2).
 *
 * What a write invalidates (docs/cache.md): its item — each entry carries the item's write
 * token it was read under, and a write replaces the token — and every list page of the
 * entity, whose entries carry the list version a write INCRs. Other items stay cached. A
 * reader that loaded before a write and stores after it stores under the token it saw
 * before loading: the entry is dead on arrival. A miss of an item whose token exists (it
 * was written recently) loads strongly consistent (`LoadContext`), so no lagging replica
 * answer gets cached; list pages, which come from eventually consistent GSIs, are served
 * but not stored while the entity settles (`settleMs`). The entity namespace version moves
 * everything at once (admin clear/pattern, outage recovery).
 *
 * L1 serves an entry without any round trip while the last L2 check of it is younger than
 * the scope's `l1StaleMs`, then checks the versions again (one MGET of two small keys). So
 * a write in another container is seen within `l1StaleMs` of its invalidation; a write in
 * this container drops the entries it concerns at once.
 *
 * When L2 fails or is slow (50 ms command timeout), a circuit breaker skips the cache
 * entirely for `breakerOpenMs` — L1 included, because without the versions nothing says
 * its entries are current — and reads go to the store. One warning and one
 * `CacheUnavailable` metric per opening. L1 is dropped whenever the connection drops. Once
 * L2 answers again, the first command also moves the namespaces this container knows
 * (writes elsewhere may have failed to invalidate meanwhile), including those of its own
 * invalidations that could not be sent.
 */
export class TwoLevelCache implements EntityCache, CacheAdmin {
  readonly keys: CacheKeys;
  private readonly l1: L1Cache | undefined;
  private readonly breaker: CircuitBreaker;
  private readonly counters = new CacheCounters();
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Last namespace version seen per entity: the guess for the next read's entry key. */
  private readonly seen = new Map<string, number>();
  /** Entities whose invalidation did not reach L2 (value: attempt number), replayed first. */
  private readonly unsent = new Map<string, number>();
  private unsentAttempts = 0;
  /** L2 failed since the last successful command: other containers' writes may have been lost too. */
  private recovering = false;
  /** Moves at the start and end of every invalidation here: a read it overlapped keeps L1 out of it. */
  private writes = 0;
  private flushing = false;
  private readonly settleMs: number;
  private readonly writeTokenMs: number;
  private readonly flushEvents: number;
  private readonly flushIntervalMs: number;
  private readonly containerId: string;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly metrics: MetricSink;
  private readonly now: () => number;
  private lastFlush: number;

  constructor(
    private readonly backend: L2Backend,
    options: TwoLevelCacheOptions,
  ) {
    this.keys = new CacheKeys(options.prefix);
    this.now = options.now ?? Date.now;
    const l1Max = options.l1MaxEntries ?? 1_000;
    this.l1 = l1Max > 0 ? new L1Cache(l1Max, () => this.counters.add('l1:evictions')) : undefined;
    this.breaker = new CircuitBreaker({ dependency: 'cache', openMs: options.breakerOpenMs ?? 15_000, now: this.now });
    this.settleMs = options.settleMs ?? 1_000;
    this.writeTokenMs = options.writeTokenMs ?? 600_000;
    this.flushEvents = options.statsFlushEvents ?? 100;
    this.flushIntervalMs = options.statsFlushIntervalMs ?? 1_000;
    this.containerId = options.containerId ?? randomUUID();
    this.logger = options.logger ?? powertoolsLogger;
    this.metrics = options.metrics ?? powertoolsMetrics;
    this.lastFlush = this.now();
    backend.onDisconnect(() => this.l1?.clear());
  }

  item<T>(scope: CacheScope, id: string, load: (context: LoadContext) => Promise<T>): Promise<T> {
    return this.read(scope, { kind: 'item', part: id, versionKey: this.keys.written(scope.entity, id), settles: false }, load);
  }

  list<T>(scope: CacheScope, query: CanonicalQuery, load: () => Promise<T>, options: ListCacheOptions<T> = {}): Promise<T> {
    const keep = options.keep as ((value: unknown) => boolean) | undefined;
    return this.read(scope, { kind: 'list', part: queryHash(query), versionKey: this.keys.listVersion(scope.entity), settles: true, keep }, load);
  }

  /**
   * After a write of `id`: replaces the item's write token, INCRs the list version, marks
   * the lists settling and DELs the item's entry; without `id` moves the entity namespace.
   * This container's L1 forgets the item and the lists at once. Never throws.
   */
  invalidate(entity: string, id?: string): Promise<void> {
    return this.invalidateIds(entity, id === undefined ? undefined : [id]);
  }

  /**
   * After writes of `ids` (an import batch): what `invalidate(entity, id)` does for each, in
   * one round trip — one list version INCR and settle mark, a token and a DEL per id. No ids,
   * no write: nothing is sent. Never throws.
   */
  async invalidateMany(entity: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.invalidateIds(entity, [...new Set(ids)]);
  }

  private async invalidateIds(entity: string, ids: readonly string[] | undefined): Promise<void> {
    this.writes++;
    // Reads starting after this write must not join a load that may predate it.
    const dropped = ids === undefined ? `${entity}:` : `${entity}:list:`;
    for (const slot of this.inflight.keys()) if (slot.startsWith(dropped)) this.inflight.delete(slot);
    this.l1?.deleteStartingWith(dropped);
    for (const id of ids ?? []) {
      this.inflight.delete(`${entity}:item:${id}`);
      this.l1?.delete(`${entity}:item:${id}`);
    }
    try {
      if (!this.breaker.allows()) {
        this.unsent.set(entity, ++this.unsentAttempts);
        return;
      }
      await this.run(this.writeCommands(entity, ids));
    } catch (error) {
      this.unsent.set(entity, ++this.unsentAttempts);
      this.unavailable(error);
    } finally {
      this.writes++;
    }
  }

  async stats(): Promise<CacheStats> {
    await this.flushStats();
    return this.admin(() => readStats(this.backend, this.keys));
  }

  async clear(): Promise<number> {
    return this.admin(async () => {
      const { removed, entities } = await unlinkEntries(this.backend, this.keys, this.keys.glob());
      await this.bumpAll(entities);
      return removed;
    });
  }

  async invalidatePattern(pattern: string): Promise<number> {
    const glob = pattern.trim();
    if (glob === '') throw new InvalidCachePatternError('The pattern must not be empty (clearing everything is clear()).');
    return this.admin(async () => {
      const { removed, entities } = await unlinkEntries(this.backend, this.keys, this.keys.glob(glob));
      // `students:…` names its entity even when L2 holds nothing: L1s elsewhere may.
      const named = /^([^:*?[\]\\]+):/.exec(glob)?.[1];
      if (named) entities.add(named);
      await this.bumpAll(entities);
      return removed;
    });
  }

  /** Adds this container's pending statistics to the shared hash now; never throws. */
  async flushStats(): Promise<void> {
    if (!this.breaker.allows()) return;
    try {
      await this.run([], true);
    } catch {
      // Kept in memory for the next flush.
    }
  }

  /** Flushes statistics and closes the connection (tests, scripts). */
  async close(): Promise<void> {
    await this.flushStats();
    await this.backend.close();
  }

  private read<T>(scope: CacheScope, spec: ReadSpec, load: (context: LoadContext) => Promise<T>): Promise<T> {
    if (!this.breaker.allows()) return load(UNKNOWN);
    const slot = `${scope.entity}:${spec.kind}:${spec.part}`;
    const held = this.l1?.get(slot);
    if (held && this.now() - held.checkedAt < (scope.l1StaleMs ?? 0)) {
      // Within the staleness bound: no round trip at all.
      this.counters.add('l1:hits');
      emitMetric(this.metrics, 'CacheHit');
      this.flushInBackground();
      return Promise.resolve(held.value as T);
    }
    const running = this.inflight.get(slot);
    if (running) return running as Promise<T>;
    const promise: Promise<T> = this.readThrough(scope, spec, slot, load).finally(() => {
      if (this.inflight.get(slot) === promise) this.inflight.delete(slot);
    });
    this.inflight.set(slot, promise);
    return promise;
  }

  private async readThrough<T>(scope: CacheScope, spec: ReadSpec, slot: string, load: (context: LoadContext) => Promise<T>): Promise<T> {
    const { entity } = scope;
    const ttlMs = scope.ttlSeconds * 1_000;
    const held = this.l1?.get(slot);
    const guess = this.seen.get(entity) ?? 0;
    const writes = this.writes;
    // Sent-at, not answered-at: the versions may change while the answer travels.
    const checkedAt = this.now();
    let found: Lookup;
    try {
      // With an L1 entry only the versions are needed; without, the entry comes along.
      found = await this.lookup(entity, spec, held ? undefined : this.keys.entry(entity, guess, spec.kind, spec.part));
      if (held && held.stamp === stampOf(found)) {
        this.counters.add('l1:hits');
        emitMetric(this.metrics, 'CacheHit');
        this.l1?.confirm(slot, checkedAt);
        return held.value as T;
      }
      if (this.l1) this.counters.add('l1:misses');
      if (found.entry === undefined || found.ns !== guess) {
        const [entry] = await this.run([{ op: 'get', key: this.keys.entry(entity, found.ns, spec.kind, spec.part) }]);
        found.entry = entry as string | null;
      }
    } catch (error) {
      this.unavailable(error);
      return load(UNKNOWN);
    }
    const hit = found.entry === null ? undefined : unwrap(found.entry, found.version);
    if (hit) {
      this.counters.add('l2:hits');
      emitMetric(this.metrics, 'CacheHit');
      if (this.writes === writes) this.l1?.set(slot, stampOf(found), hit.value, checkedAt, ttlMs);
      return hit.value as T;
    }
    this.counters.add('l2:misses');
    emitMetric(this.metrics, 'CacheMiss');
    const value = await load({ consistent: spec.kind === 'item' && found.version !== '' });
    if (!found.settling && (spec.keep?.(value) ?? true))
      await this.store(slot, this.keys.entry(entity, found.ns, spec.kind, spec.part), spec, found, value, { ttlMs, checkedAt, writes });
    return value;
  }

  /** The entity namespace, the read's version key (and settle mark), and `key`'s value if given: one MGET. */
  private async lookup(entity: string, spec: ReadSpec, key?: string): Promise<Lookup> {
    const keys = [this.keys.namespace(entity), spec.versionKey, ...(spec.settles ? [this.keys.settling(entity)] : []), ...(key ? [key] : [])];
    const [replies] = await this.run([{ op: 'mget', keys }]);
    const [ns, version, ...rest] = replies as (string | null)[];
    const namespace = Number(ns ?? 0);
    this.seen.set(entity, namespace);
    return {
      ns: namespace,
      version: version ?? '',
      settling: spec.settles && rest[0] !== null,
      ...(key ? { entry: rest[rest.length - 1] ?? null } : {}),
    };
  }

  private async store(
    slot: string,
    key: string,
    spec: ReadSpec,
    found: Lookup,
    value: unknown,
    read: { ttlMs: number; checkedAt: number; writes: number },
  ): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) return;
    // An item entry stored without a token must be gone before a token set during its load
    // could expire: it might hold what that write replaced, and would match again then.
    const ttlMs = spec.kind === 'item' && found.version === '' ? Math.min(read.ttlMs, read.checkedAt + this.writeTokenMs - this.now()) : read.ttlMs;
    if (ttlMs <= 0) return;
    try {
      await this.run([{ op: 'set', key, value: wrap(found.version, json), ttlMs }]);
    } catch (error) {
      this.unavailable(error);
      return;
    }
    // A parse of what L2 holds, so an L1 hit answers exactly what an L2 hit would. Not if
    // this container wrote meanwhile: the value may predate its write.
    if (this.writes === read.writes) this.l1?.set(slot, stampOf(found), JSON.parse(json), read.checkedAt, ttlMs);
  }

  /** What a write of `ids` sends; without `ids` (replays after an outage) the whole namespace moves. */
  private writeCommands(entity: string, ids?: readonly string[]): L2Command[] {
    const commands: L2Command[] = [];
    // The mark first: a reader that sees the new list version then sees the mark too.
    if (this.settleMs > 0) commands.push({ op: 'set', key: this.keys.settling(entity), value: '1', ttlMs: this.settleMs });
    commands.push({ op: 'incr', key: this.keys.listVersion(entity) });
    if (ids === undefined) {
      commands.push({ op: 'incr', key: this.keys.namespace(entity) });
      return commands;
    }
    const ns = this.seen.get(entity) ?? 0;
    for (const id of ids) {
      commands.push({ op: 'set', key: this.keys.written(entity, id), value: randomUUID(), ttlMs: this.writeTokenMs });
      // Memory only: the token already makes the entry unservable.
      commands.push({ op: 'del', key: this.keys.entry(entity, ns, 'item', id) });
    }
    return commands;
  }

  private async bumpAll(entities: Set<string>): Promise<void> {
    this.l1?.clear();
    if (entities.size === 0) return;
    const names = [...entities];
    const replies = await this.backend.exec(names.map((entity) => ({ op: 'incr', key: this.keys.namespace(entity) })));
    names.forEach((entity, index) => {
      this.seen.set(entity, Number(replies[index]));
    });
  }

  /**
   * Sends `commands` in one round trip, preceded by what rides along: invalidations that
   * could not be sent before, and the statistics when a flush is due. Resolves the replies
   * of `commands` only.
   */
  private async run(commands: L2Command[], flush = this.flushDue()): Promise<L2Reply[]> {
    const replayed = [...this.unsent];
    // Writers elsewhere may have failed to invalidate during the outage this container saw:
    // move every namespace it knows once, rather than serve what they could not invalidate.
    const recovering = this.recovering;
    if (recovering) for (const entity of this.seen.keys()) if (!this.unsent.has(entity)) replayed.push([entity, -1]);
    const deltas: CounterDeltas = flush ? this.counters.drain() : [];
    const extra = [...replayed.flatMap(([entity]) => this.writeCommands(entity)), ...(flush ? this.statsCommands(deltas) : [])];
    if (extra.length + commands.length === 0) return [];
    try {
      const replies = await this.backend.exec([...extra, ...commands]);
      this.breaker.succeed();
      for (const [entity, attempt] of replayed) if (this.unsent.get(entity) === attempt) this.unsent.delete(entity);
      if (recovering) this.recovering = false;
      if (flush) this.lastFlush = this.now();
      return replies.slice(extra.length);
    } catch (error) {
      this.counters.restore(deltas);
      throw error;
    }
  }

  /** Statistics of L1 hits that made no round trip still reach the shared hash. */
  private flushInBackground(): void {
    if (this.flushing || !this.flushDue()) return;
    this.flushing = true;
    void this.flushStats().finally(() => (this.flushing = false));
  }

  private flushDue(): boolean {
    const pending = this.counters.pendingEvents;
    return pending >= this.flushEvents || (pending > 0 && this.now() - this.lastFlush >= this.flushIntervalMs);
  }

  private statsCommands(deltas: CounterDeltas): L2Command[] {
    const commands: L2Command[] = deltas.map(([field, by]) => ({ op: 'hincrby', key: this.keys.stats, field, by }));
    if (this.l1) commands.push({ op: 'set', key: this.keys.l1Size(this.containerId), value: String(this.l1.size), ttlMs: L1_REPORT_TTL_MS });
    return commands;
  }

  private unavailable(error: unknown): void {
    // Without L2 nothing says which namespace is current: L1 entries cannot be trusted.
    this.l1?.clear();
    this.recovering = true;
    if (!this.breaker.fail()) return;
    this.logger.warn('Cache unavailable: reads go to the store until it answers again', {
      retryInMs: this.breaker.openMs,
      // Name, message and code: a stack through node_modules on every opening helps nobody.
      error: errorSummary(error),
    });
    emitMetric(this.metrics, 'CacheUnavailable');
    emitMetric(this.metrics, 'CircuitOpen', { dependency: 'cache' });
  }

  private async admin<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new DependencyUnavailableError('Cache', ADMIN_RETRY_AFTER_SECONDS, { cause: error });
    }
  }
}
