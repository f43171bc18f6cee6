import { type MetricGroup, metricCatalogue } from '../../../shared/observability/metric-catalogue.js';
import type { EmfMetric } from './emf-line.js';
import { RollingWindow, type RollingWindowOptions } from './rolling-window.js';

export interface LocalTelemetryOptions {
  /** @default 10_000 */
  bucketMs?: number;
  /** @default 60 (a 10-minute window) */
  buckets?: number;
  /**
   * Most series kept (routes + functions + metric/dimension combinations); observations of
   * further series are counted as dropped, not stored. @default 400
   */
  maxSeries?: number;
  /** @default Date.now */
  clock?: () => number;
}

/** What the gateway knows about one request (the fields of its request log line). */
export interface RequestObservation {
  routeKey: string;
  method: string;
  status: number;
  ms?: number;
}

/** What the local runtime knows about one invocation of a bundle. */
export interface InvocationObservation {
  functionId: string;
  ms: number;
  outcome: 'ok' | 'error' | 'timeout';
  /** SQS/stream consumers: records reported back as failed (partial batch response). */
  batchItemFailures?: number;
}

/** Depth of a declared queue and its DLQ, read when a snapshot is taken. */
export interface QueueDepth {
  queue: string;
  depth: number;
  dlqDepth: number;
}

interface RouteSeries {
  latency: RollingWindow;
  clientErrors: RollingWindow;
  serverErrors: RollingWindow;
}

interface FunctionSeries {
  duration: RollingWindow;
  errors: RollingWindow;
  timeouts: RollingWindow;
  batchItemFailures: RollingWindow;
}

interface MetricSeries {
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  window: RollingWindow;
}

const round = (n: number | undefined) => (n === undefined ? null : Math.round(n * 10) / 10);

/**
 * The local dashboard's memory: per route requests, 4xx, 5xx and latency (from the gateway),
 * per function invocations, errors and timeouts (from the invoker), and every EMF metric the
 * bundles print, each over a rolling window of fixed buckets. A fixed number of series: memory
 * stays bounded however long `npm start` runs and whatever the traffic.
 */
export class LocalTelemetry {
  private readonly routes = new Map<string, RouteSeries>();
  private readonly functions = new Map<string, FunctionSeries>();
  private readonly metrics = new Map<string, MetricSeries>();
  private readonly windowOptions: RollingWindowOptions;
  private readonly maxSeries: number;
  private readonly clock: () => number;
  private queueDepths?: () => Promise<QueueDepth[]>;
  /** Observations not stored because the series limit was reached. */
  dropped = 0;

  constructor(options: LocalTelemetryOptions = {}) {
    this.windowOptions = { bucketMs: options.bucketMs ?? 10_000, buckets: options.buckets ?? 60 };
    this.maxSeries = options.maxSeries ?? 400;
    this.clock = options.clock ?? Date.now;
  }

  /** Series held now (never more than `maxSeries`). */
  get seriesCount(): number {
    return this.routes.size + this.functions.size + this.metrics.size;
  }

  recordRequest(request: RequestObservation): void {
    const key = request.routeKey === '$default' ? `${request.method} $default` : request.routeKey;
    const series = this.seriesOf(this.routes, key, () => ({
      latency: this.window(true),
      clientErrors: this.window(),
      serverErrors: this.window(),
    }));
    if (!series) return;
    const now = this.clock();
    series.latency.add(request.ms ?? 0, now);
    if (request.status >= 400 && request.status < 500) series.clientErrors.add(1, now);
    if (request.status >= 500) series.serverErrors.add(1, now);
  }

  recordInvocation(invocation: InvocationObservation): void {
    const series = this.seriesOf(this.functions, invocation.functionId, () => ({
      duration: this.window(true),
      errors: this.window(),
      timeouts: this.window(),
      batchItemFailures: this.window(),
    }));
    if (!series) return;
    const now = this.clock();
    series.duration.add(invocation.ms, now);
    if (invocation.outcome !== 'ok') series.errors.add(1, now);
    if (invocation.outcome === 'timeout') series.timeouts.add(1, now);
    if (invocation.batchItemFailures) series.batchItemFailures.addAggregate(invocation.batchItemFailures, invocation.batchItemFailures, 1, now);
  }

  recordMetric(metric: EmfMetric): void {
    const dims = Object.entries(metric.dimensions).sort(([a], [b]) => a.localeCompare(b));
    const key = `${metric.namespace}|${metric.name}|${dims.map(([k, v]) => `${k}=${v}`).join(',')}`;
    const series = this.seriesOf(this.metrics, key, () => ({
      name: metric.name,
      unit: metric.unit,
      dimensions: Object.fromEntries(dims),
      window: this.window(),
    }));
    if (!series) return;
    const sum = metric.values.reduce((a, b) => a + b, 0);
    series.window.addAggregate(sum, metric.values.length, Math.max(...metric.values), this.clock());
  }

  /** Where queue depths come from (the local SQS, once the event sources run). */
  setQueueDepths(read: () => Promise<QueueDepth[]>): void {
    this.queueDepths = read;
  }

  /** Everything over the window ending now: the JSON of `/_local/metrics`. */
  async snapshot() {
    const now = this.clock();
    const routes = [...this.routes].flatMap(([route, s]) => {
      const total = s.latency.total(now);
      if (total.count === 0) return [];
      const clientErrors = s.clientErrors.total(now).count;
      const serverErrors = s.serverErrors.total(now).count;
      const client = s.clientErrors.buckets(now);
      const server = s.serverErrors.buckets(now);
      return [
        {
          route,
          requests: total.count,
          client_errors: clientErrors,
          server_errors: serverErrors,
          p50_ms: round(s.latency.quantile(0.5, now)),
          p90_ms: round(s.latency.quantile(0.9, now)),
          p99_ms: round(s.latency.quantile(0.99, now)),
          series: s.latency.buckets(now).map((b, i) => ({
            t: b.t,
            requests: b.count,
            client_errors: client[i]!.count,
            server_errors: server[i]!.count,
            avg_ms: b.count ? round(b.sum / b.count) : null,
            max_ms: b.count ? round(b.max) : null,
          })),
        },
      ];
    });
    const functions = [...this.functions].flatMap(([id, s]) => {
      const total = s.duration.total(now);
      if (total.count === 0) return [];
      return [
        {
          function: id,
          invocations: total.count,
          errors: s.errors.total(now).count,
          timeouts: s.timeouts.total(now).count,
          batch_item_failures: s.batchItemFailures.total(now).sum,
          p99_ms: round(s.duration.quantile(0.99, now)),
          max_ms: round(total.max),
        },
      ];
    });
    const metrics = [...this.metrics.values()].flatMap((s) => {
      const total = s.window.total(now);
      if (total.count === 0) return [];
      const group: MetricGroup | 'other' = (metricCatalogue as Record<string, { group: MetricGroup }>)[s.name]?.group ?? 'other';
      return [
        {
          name: s.name,
          unit: s.unit,
          group,
          dimensions: s.dimensions,
          sum: total.sum,
          count: total.count,
          max: total.max,
          series: s.window.buckets(now).map((b) => ({ t: b.t, sum: b.sum, max: b.max })),
        },
      ];
    });
    const totals: Record<string, number> = {};
    for (const m of metrics) totals[m.name] = (totals[m.name] ?? 0) + (m.unit === 'Count' ? m.sum : m.max);
    const hits = totals.CacheHit ?? 0;
    const misses = totals.CacheMiss ?? 0;
    const sum = (key: 'requests' | 'client_errors' | 'server_errors') => routes.reduce((a, r) => a + r[key], 0);
    return {
      generated_at: new Date(now).toISOString(),
      window_seconds: (this.windowOptions.bucketMs! * this.windowOptions.buckets!) / 1000,
      bucket_seconds: this.windowOptions.bucketMs! / 1000,
      api: { requests: sum('requests'), client_errors: sum('client_errors'), server_errors: sum('server_errors') },
      routes,
      functions,
      metrics,
      totals,
      cache: { hits, misses, hit_ratio: hits + misses === 0 ? null : round((100 * hits) / (hits + misses)) },
      queues: this.queueDepths ? await this.queueDepths().catch(() => []) : [],
      series: { held: this.seriesCount, limit: this.maxSeries, dropped_observations: this.dropped },
    };
  }

  private window(histogram = false): RollingWindow {
    return new RollingWindow({ ...this.windowOptions, histogram });
  }

  private seriesOf<T>(map: Map<string, T>, key: string, create: () => T): T | undefined {
    const existing = map.get(key);
    if (existing) return existing;
    if (this.seriesCount >= this.maxSeries) {
      this.dropped += 1;
      return undefined;
    }
    const created = create();
    map.set(key, created);
    return created;
  }
}

export type LocalTelemetrySnapshot = Awaited<ReturnType<LocalTelemetry['snapshot']>>;
