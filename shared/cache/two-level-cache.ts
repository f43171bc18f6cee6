import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { AppError, DependencyUnavailableError } from '../errors/app-error.js';
import { logger as powertoolsLogger } from '../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../powertools/metrics.js';
import { CacheCounters, type CounterDeltas } from './cache-counters.js';
import { CacheKeys, type EntryKind, queryHash } from './cache-keys.js';
import { readStats, unlinkEntries } from './cache-maintenance.js';
import { InvalidCachePatternError } from './cache.errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { CacheAdmin, CacheScope, CacheStats, CanonicalQuery, EntityCache } from './entity-cache.js';
import { L1Cache } from './l1-cache.js';
import type { L2Backend, L2Command, L2Reply } from './l2-backend.js';
import type { MetricSink, TwoLevelCacheOptions } from './two-level-cache-options.js';

export type { TwoLevelCacheOptions } from './two-level-cache-options.js';

/** A container that stopped reporting (Lambda recycled it) stops counting toward L1 size. */
const L1_REPORT_TTL_MS = 10 * 60_000;
const ADMIN_RETRY_AFTER_SECONDS = 5;

interface Lookup {
  ns: number;
  settling: boolean;
  /** The entry's JSON (null: absent); undefined when it was not fetched. */
  value?: string | null;
}

/**
 * Cache-aside over two levels: an in-container LRU (L1) in front of Redis/Valkey (L2),
 * namespaced per entity. Every read asks L2 for the entity's namespace version — in the
 * same round trip as the entry when L1 has nothing — so an entry read under an older
 * namespace is never served, by any container, once a write moved it.
 *
 * When L2 fails or is slow (50 ms command timeout), a circuit breaker skips the cache
 * entirely for `breakerOpenMs` — L1 included, because without the namespace nothing says
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
  private readonly inflight = new Map<string, { entity: string; promise: Promise<unknown> }>();
  /** Last namespace version seen per entity: the guess for the next read's entry key. */
  private readonly seen = new Map<string, number>();
  /** Entities whose invalidation did not reach L2 (value: attempt number), replayed first. */
  private readonly unsent = new Map<string, number>();
  private unsentAttempts = 0;
  /** L2 failed since the last successful command: other containers' writes may have been lost too. */
  private recovering = false;
  private readonly settleMs: number;
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
    this.breaker = new CircuitBreaker(options.breakerOpenMs ?? 15_000, this.now);
    this.settleMs = options.settleMs ?? 1_000;
    this.flushEvents = options.statsFlushEvents ?? 100;
    this.flushIntervalMs = options.statsFlushIntervalMs ?? 1_000;
    this.containerId = options.containerId ?? randomUUID();
    this.logger = options.logger ?? powertoolsLogger;
    this.metrics = options.metrics ?? powertoolsMetrics;
    this.lastFlush = this.now();
    backend.onDisconnect(() => this.l1?.clear());
  }

  item<T>(scope: CacheScope, id: string, load: () => Promise<T>): Promise<T> {
    return this.read(scope, 'item', id, load);
  }

  list<T>(scope: CacheScope, query: CanonicalQuery, load: () => Promise<T>): Promise<T> {
    return this.read(scope, 'list', queryHash(query), load);
  }

  /** INCR the namespace, mark the entity settling, DEL the item's entry; never throws. */
  async invalidate(entity: string, id?: string): Promise<void> {
    // Reads starting after this write must not join a load that may predate it.
    for (const [slot, running] of this.inflight) if (running.entity === entity) this.inflight.delete(slot);
    if (!this.breaker.allows()) {
      this.unsent.set(entity, ++this.unsentAttempts);
      return;
    }
    try {
      const [ns] = await this.run(this.bumpCommands(entity, id));
      this.seen.set(entity, Number(ns));
    } catch (error) {
      this.unsent.set(entity, ++this.unsentAttempts);
      this.unavailable(error);
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

  private read<T>(scope: CacheScope, kind: EntryKind, part: string, load: () => Promise<T>): Promise<T> {
    if (!this.breaker.allows()) return load();
    const slot = `${scope.entity}:${kind}:${part}`;
    const running = this.inflight.get(slot);
    if (running) return running.promise as Promise<T>;
    const promise: Promise<T> = this.readThrough(scope, kind, part, slot, load).finally(() => {
      if (this.inflight.get(slot)?.promise === promise) this.inflight.delete(slot);
    });
    this.inflight.set(slot, { entity: scope.entity, promise });
    return promise;
  }

  private async readThrough<T>(scope: CacheScope, kind: EntryKind, part: string, slot: string, load: () => Promise<T>): Promise<T> {
    const { entity } = scope;
    const ttlMs = scope.ttlSeconds * 1_000;
    const held = this.l1?.get(slot);
    const guess = held?.ns ?? this.seen.get(entity) ?? 0;
    let found: Lookup;
    try {
      // With an L1 entry only the namespace is needed; without, the entry comes along.
      found = await this.lookup(entity, held ? undefined : this.keys.entry(entity, guess, kind, part));
      if (held && held.ns === found.ns) {
        this.counters.add('l1:hits');
        return held.value as T;
      }
      if (this.l1) this.counters.add('l1:misses');
      if (found.value === undefined || found.ns !== guess) {
        const [value] = await this.run([{ op: 'get', key: this.keys.entry(entity, found.ns, kind, part) }]);
        found.value = value as string | null;
      }
    } catch (error) {
      this.unavailable(error);
      return load();
    }
    const hit = found.value === null ? undefined : parsed(found.value);
    if (hit) {
      this.counters.add('l2:hits');
      this.l1?.set(slot, found.ns, hit.value, ttlMs);
      return hit.value as T;
    }
    this.counters.add('l2:misses');
    const value = await load();
    if (!found.settling) await this.store(slot, this.keys.entry(entity, found.ns, kind, part), found.ns, value, ttlMs);
    return value;
  }

  /** The entity's namespace version and settling mark, and `key`'s value if given: one MGET. */
  private async lookup(entity: string, key?: string): Promise<Lookup> {
    const keys = [this.keys.namespace(entity), this.keys.settling(entity), ...(key ? [key] : [])];
    const [replies] = await this.run([{ op: 'mget', keys }]);
    const [ns, settling, value] = replies as (string | null)[];
    const version = Number(ns ?? 0);
    this.seen.set(entity, version);
    return { ns: version, settling: settling !== null, ...(key ? { value: value ?? null } : {}) };
  }

  private async store(slot: string, key: string, ns: number, value: unknown, ttlMs: number): Promise<void> {
    const json = JSON.stringify(value);
    if (json === undefined) return;
    try {
      await this.run([{ op: 'set', key, value: json, ttlMs }]);
    } catch (error) {
      this.unavailable(error);
      return;
    }
    // A parse of what L2 holds, so an L1 hit answers exactly what an L2 hit would.
    this.l1?.set(slot, ns, JSON.parse(json), ttlMs);
  }

  private bumpCommands(entity: string, id?: string): L2Command[] {
    const commands: L2Command[] = [{ op: 'incr', key: this.keys.namespace(entity) }];
    if (this.settleMs > 0) commands.push({ op: 'set', key: this.keys.settling(entity), value: '1', ttlMs: this.settleMs });
    // The entry of the namespace last seen (normally the one just replaced); entries of
    // older namespaces are unreachable anyway and expire with their TTL.
    if (id !== undefined) commands.push({ op: 'del', key: this.keys.entry(entity, this.seen.get(entity) ?? 0, 'item', id) });
    return commands;
  }

  private async bumpAll(entities: Set<string>): Promise<void> {
    this.l1?.clear();
    if (entities.size === 0) return;
    const names = [...entities];
    const replies = await this.backend.exec(names.map((entity) => ({ op: 'incr', key: this.keys.namespace(entity) })));
    names.forEach((entity, index) => this.seen.set(entity, Number(replies[index])));
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
    const extra = [...replayed.flatMap(([entity]) => this.bumpCommands(entity)), ...(flush ? this.statsCommands(deltas) : [])];
    if (extra.length + commands.length === 0) return [];
    try {
      const replies = await this.backend.exec([...extra, ...commands]);
      for (const [entity, attempt] of replayed) if (this.unsent.get(entity) === attempt) this.unsent.delete(entity);
      if (recovering) this.recovering = false;
      if (flush) this.lastFlush = this.now();
      return replies.slice(extra.length);
    } catch (error) {
      this.counters.restore(deltas);
      throw error;
    }
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
      error: error as Error,
    });
    this.metrics.addMetric('CacheUnavailable', MetricUnit.Count, 1);
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

/** An entry's value, or undefined when it is not JSON (written by something else): a miss. */
function parsed(json: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(json) };
  } catch {
    return undefined;
  }
}
