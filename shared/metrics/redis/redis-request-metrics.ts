import type { Logger } from '@aws-lambda-powertools/logger';
import { errorSummary } from '../../powertools/error-summary.js';
import { isCluster, type RedisClient } from '../../redis/ioredis.js';
import { CircuitBreaker } from '../../resilience/circuit-breaker.js';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { emitMetric } from '../../observability/emit-metric.js';
import { logger as powertoolsLogger } from '../../powertools/logger.js';
import { metrics as powertoolsMetrics } from '../../powertools/metrics.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import { LATENCY_BUCKETS, latencyBucketLabel } from '../latency-histogram.js';
import { RequestMetricsBatch } from '../request-metrics-batch.js';
import { emptyRouteCounters, type RequestMetricsSnapshot, type RequestMetricsStore, type RequestSample, type RouteCounters } from '../request-metrics-store.js';

export interface RedisRequestMetricsOptions {
  /** Starts the key of the metrics hash (`records:metrics:` → `records:metrics:requests`). */
  prefix: string;
  /** A flush is due once this many requests accumulated… @default 50 */
  flushRequests?: number;
  /** …or once this long passed since the last flush. @default 1_000 */
  flushIntervalMs?: number;
  /** How long recording skips Redis after a failure. @default 15_000 */
  breakerOpenMs?: number;
  logger?: Pick<Logger, 'warn'>;
  now?: () => number;
}

/** Field of the hash holding when the first container recorded (HSETNX: the first one wins). */
const SINCE_FIELD = '_since';
const READ_RETRY_AFTER_SECONDS = 5;
const BUCKET_LABELS = Array.from({ length: LATENCY_BUCKETS }, (_, bucket) => latencyBucketLabel(bucket));

/**
 * Request metrics in ONE Redis hash, `<prefix>requests`, with fields `<route>|requests`,
 * `<route>|4xx`, `<route>|5xx` and `<route>|le:<bound>` per latency bucket. Each container
 * sums its samples in memory and adds them with one pipeline of HINCRBYs at most once per
 * `flushIntervalMs`, or every `flushRequests` requests, awaited by the request that made it
 * due (so no command is in flight while Lambda freezes the container).
 *
 * Best effort: the client's 50 ms command timeout bounds a flush; a request never waits
 * for a connect (it starts in the background, the flush is skipped meanwhile); after a
 * failure a circuit breaker skips Redis for `breakerOpenMs` with one warning per opening,
 * and the unsent counts are kept for the next flush.
 */
export class RedisRequestMetrics implements RequestMetricsStore {
  private readonly key: string;
  private readonly batch = new RequestMetricsBatch();
  private readonly breaker: CircuitBreaker;
  private readonly flushRequests: number;
  private readonly flushIntervalMs: number;
  private readonly logger: Pick<Logger, 'warn'>;
  private readonly now: () => number;
  private lastFlush: number;
  private flushing: Promise<void> | undefined;

  /** Expects a client with the resilient options (createRedisClient); starts connecting at once. */
  constructor(
    private readonly client: RedisClient,
    options: RedisRequestMetricsOptions,
  ) {
    this.key = `${options.prefix}requests`;
    this.flushRequests = options.flushRequests ?? 50;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.breaker = new CircuitBreaker({ dependency: 'requestMetrics', openMs: options.breakerOpenMs ?? 15_000, now: this.now });
    this.logger = options.logger ?? powertoolsLogger;
    this.lastFlush = this.now();
    // Failures surface through the commands; without a listener ioredis prints each one.
    client.on('error', () => undefined);
    void this.connect();
  }

  async record(sample: RequestSample): Promise<void> {
    this.batch.add(sample);
    // A flush already in flight carries the earlier samples; this one waits for the next.
    if (!this.flushing && this.flushDue()) await this.flush();
  }

  async snapshot(): Promise<RequestMetricsSnapshot> {
    try {
      if (this.client.status !== 'ready') await this.connect();
      if (this.client.status !== 'ready') throw new Error(`Redis connection is ${this.client.status}`);
      await this.flushing;
      await this.flush();
      return parseSnapshot(await this.client.hgetall(this.key));
    } catch (error) {
      throw new DependencyUnavailableError('Redis', READ_RETRY_AFTER_SECONDS, { cause: error });
    }
  }

  /** Flushes pending samples and closes the connection (tests, scripts). */
  async close(): Promise<void> {
    await this.flushing;
    await this.flush();
    await RedisConnection.of(this.client).close();
  }

  private flushDue(): boolean {
    const pending = this.batch.pendingRequests;
    return pending >= this.flushRequests || (pending > 0 && this.now() - this.lastFlush >= this.flushIntervalMs);
  }

  private flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Sends every pending count in one pipeline; never throws. */
  private async send(): Promise<void> {
    if (this.batch.pendingRequests === 0 || !this.breaker.allows() || !this.connected()) return;
    const drained = this.batch.drain();
    this.lastFlush = this.now();
    try {
      const pipeline = this.client.pipeline().hsetnx(this.key, SINCE_FIELD, new Date(this.now()).toISOString());
      for (const counters of drained) for (const [field, by] of counterFields(counters)) pipeline.hincrby(this.key, field, by);
      const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
      if (failed) throw failed[0];
      this.breaker.succeed();
    } catch (error) {
      this.batch.restore(drained);
      this.unavailable(error);
    }
  }

  /** Whether commands can go out now; if not, a connect starts in the background. */
  private connected(): boolean {
    const status = this.client.status;
    if (status === 'ready') return true;
    if (status === 'wait' || status === 'end' || (status === 'close' && isCluster(this.client))) void this.connect();
    return false;
  }

  private connect(): Promise<void> {
    // The client may be shared with the cache and the limiter: join whatever connect is running.
    return RedisConnection.of(this.client)
      .ready()
      .catch((error: unknown) => this.unavailable(error));
  }

  private unavailable(error: unknown): void {
    if (!this.breaker.fail()) return;
    this.logger.warn('Request metrics unavailable: counts stay in memory until Redis answers again', {
      retryInMs: this.breaker.openMs,
      error: errorSummary(error),
    });
    emitMetric(powertoolsMetrics, 'CircuitOpen', { dependency: 'requestMetrics' });
  }
}

/** The HINCRBY fields of one route's counters; zero counts are left out. */
function counterFields({ route, requests, clientErrors, serverErrors, latencyBuckets }: RouteCounters): [string, number][] {
  const fields: [string, number][] = [
    [`${route}|requests`, requests],
    [`${route}|4xx`, clientErrors],
    [`${route}|5xx`, serverErrors],
    ...latencyBuckets.map((count, bucket): [string, number] => [`${route}|le:${BUCKET_LABELS[bucket]}`, count]),
  ];
  return fields.filter(([, by]) => by !== 0);
}

function parseSnapshot(hash: Record<string, string>): RequestMetricsSnapshot {
  const routes = new Map<string, RouteCounters>();
  for (const [field, value] of Object.entries(hash)) {
    const cut = field.lastIndexOf('|');
    if (cut === -1) continue;
    const route = field.slice(0, cut);
    const name = field.slice(cut + 1);
    let counters = routes.get(route);
    if (!counters) {
      counters = emptyRouteCounters(route, LATENCY_BUCKETS);
      routes.set(route, counters);
    }
    const count = Number(value);
    if (name === 'requests') counters.requests = count;
    else if (name === '4xx') counters.clientErrors = count;
    else if (name === '5xx') counters.serverErrors = count;
    else if (name.startsWith('le:')) {
      const bucket = BUCKET_LABELS.indexOf(name.slice(3));
      if (bucket !== -1) counters.latencyBuckets[bucket] = count;
    }
  }
  return {
    since: hash[SINCE_FIELD] ?? null,
    routes: [...routes.values()].sort((a, b) => a.route.localeCompare(b.route)),
  };
}
