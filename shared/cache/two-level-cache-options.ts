import type { Logger } from '@aws-lambda-powertools/logger';
import type { MetricSink } from '../observability/emit-metric.js';

export interface TwoLevelCacheOptions {
  /** Starts every key the cache reads or writes (`records:`). */
  prefix: string;
  /** L1 bound in entries; 0 turns L1 off (every read goes to L2). @default 1000 */
  l1MaxEntries?: number;
  /** How long L2 is skipped after a failure. @default 15_000 */
  breakerOpenMs?: number;
  /**
   * After a write, list pages of that entity are served but not stored for this long: GSI
   * queries are eventually consistent, and a lagging page cached now would outlive the write
   * by a whole TTL. Items need no such window (a miss after a write reads strongly
   * consistent). 0 turns it off (DynamoDB Local does not lag). @default 1_000
   */
  settleMs?: number;
  /**
   * How long an item's write token lives. While it does, misses of that item load strongly
   * consistent; entries stored without a token are kept shorter than this, so a token that
   * expires can never revive an entry older than its write. @default 600_000
   */
  writeTokenMs?: number;
  /** Statistics ride along with the next command once this many events accumulated… @default 100 */
  statsFlushEvents?: number;
  /** …or once this long passed since the last flush. @default 1_000 */
  statsFlushIntervalMs?: number;
  /** Names this container's L1 size report. @default a random id */
  containerId?: string;
  logger?: Pick<Logger, 'warn'>;
  /** CacheHit, CacheMiss, CacheUnavailable and CircuitOpen go here. @default the Powertools metrics */
  metrics?: MetricSink;
  now?: () => number;
}
