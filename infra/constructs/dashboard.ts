import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AlarmStatusWidget,
  Dashboard as CloudWatchDashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { catalogueEntries, type MetricDeclaration, type MetricGroup, type MetricName } from '../../shared/observability/metric-catalogue.js';
import { type MonitoredFunction, serverlessCacheMetric } from './observability.js';
import { METRICS_NAMESPACE } from './service-function.js';

/** A function with the route keys it serves (`routeKeysOf`), to chart per route. */
export interface DashboardFunction extends MonitoredFunction {
  readonly routeKeys: readonly string[];
}

/** A queue and its dead-letter queue, by queue name (`EventQueues.queues`). */
export interface DashboardQueue {
  readonly queue: IQueue;
  readonly dlq: IQueue;
}

export interface DashboardProps {
  /** The API stage (route metrics need its detailed metrics on: `HttpApi` turns them on). */
  readonly stage: IHttpStage;
  readonly functions: readonly DashboardFunction[];
  /** By table id, with the GSI names of each (`Tables.designs[id].indexes`). */
  readonly tables: Readonly<Record<string, { readonly table: ITableV2; readonly indexes: readonly string[] }>>;
  /** The ElastiCache Serverless cache's name. @default - no cache row */
  readonly cacheName?: string;
  /** @default - no queue row */
  readonly queues?: Readonly<Record<string, DashboardQueue>>;
  /** Shown in an alarm status widget at the top. @default - none */
  readonly alarms?: readonly IAlarm[];
  /** @default METRICS_NAMESPACE */
  readonly namespace?: string;
  /** @default Duration.minutes(5) */
  readonly period?: Duration;
  /** @default - CDK generates one */
  readonly dashboardName?: string;
  /**
   * The row a function is charted in.
   * @default - its id up to the first `-` (`students-get` → students)
   */
  readonly groupOf?: (functionId: string) => string;
}

/** Titles of the business rows, in dashboard order; every catalogue group has one. */
export const BUSINESS_ROWS: Readonly<Record<MetricGroup, string>> = {
  students: 'Students (API writes)',
  products: 'Products (API writes)',
  entities: 'Other entities (API writes)',
  imports: 'Imports',
  exports: 'Exports',
  orders: 'Orders and payments (saga outcomes)',
  flags: 'Feature flag evaluations',
  cache: 'Cache',
  resilience: 'Rate limiting, circuits, timeouts',
  auth: 'Authentication',
  http: 'Request outcomes (functions)',
};

const WIDTH = 24;

/**
 * One CloudWatch dashboard for the stack, derived from the registry (functions, routes,
 * tables, queues) and the metric catalogue: API totals and per-route requests, 4xx, 5xx and
 * p50/p99 latency (one row per function group); Lambda errors, throttles, duration and
 * concurrency per group; DynamoDB throttles and consumed capacity per table and GSI; the
 * ElastiCache cache's throttles, ECPUs, latency and size; queue
 * and DLQ depths; and one row per catalogue group, where a new catalogue entry appears
 * without touching this file. Catalogue metrics are charted with SEARCH summed over the
 * `service` dimension, not with Metrics Insights as the alarms are: a widget (one
 * GetMetricData call) may hold only one Metrics Insights query, and metric math cannot
 * combine query results (the hit ratio needs both hits and misses).
 */
export class Dashboard extends Construct {
  public readonly dashboard: CloudWatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const namespace = props.namespace ?? METRICS_NAMESPACE;
    const groupOf = props.groupOf ?? ((functionId: string) => functionId.split('-')[0]!);
    this.dashboard = new CloudWatchDashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3) });
    const graph = (title: string, left: IMetric[], width = 6, extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}) =>
      new GraphWidget({ title, left, width, height: 6, period, ...extra });
    const heading = (markdown: string) => new TextWidget({ markdown, width: WIDTH, height: 1 });
    const rows: IWidget[][] = [];

    if (props.alarms?.length) rows.push([new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: WIDTH, height: 4 })]);

    // API totals, then per route grouped like the functions that serve them.
    const { stage } = props;
    rows.push([heading('## API')]);
    rows.push([
      graph('Requests', [stage.metricCount({ period, statistic: Stats.SUM, label: 'requests' })], 6),
      graph(
        '4xx / 5xx',
        [stage.metricClientError({ period, statistic: Stats.SUM, label: '4xx' }), stage.metricServerError({ period, statistic: Stats.SUM, label: '5xx' })],
        6,
      ),
      graph(
        'Latency p50 / p90 / p99 (ms)',
        [50, 90, 99].map((p) => stage.metricLatency({ period, statistic: Stats.percentile(p), label: `p${p}` })),
        6,
      ),
      graph('Integration latency p99 (ms)', [stage.metricIntegrationLatency({ period, statistic: Stats.percentile(99), label: 'p99' })], 6),
    ]);
    const routeMetric = (metricName: string, routeKey: string, statistic: string, label = routeKey) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: stage.api.apiId, Stage: stage.stageName, Route: routeKey },
        period,
        statistic,
        label,
      });
    for (const [group, fns] of groupBy(props.functions, (fn) => groupOf(fn.declaration.id))) {
      const routeKeys = fns.flatMap((fn) => fn.routeKeys);
      if (routeKeys.length === 0) continue;
      rows.push([
        graph(
          `${group}: requests per route`,
          routeKeys.map((key) => routeMetric('Count', key, Stats.SUM)),
        ),
        graph(
          `${group}: 4xx per route`,
          routeKeys.map((key) => routeMetric('4xx', key, Stats.SUM)),
        ),
        graph(
          `${group}: 5xx per route`,
          routeKeys.map((key) => routeMetric('5xx', key, Stats.SUM)),
        ),
        graph(
          `${group}: latency p50 / p99 per route (ms)`,
          routeKeys.flatMap((key) => [
            routeMetric('Latency', key, Stats.percentile(50), `${key} p50`),
            routeMetric('Latency', key, Stats.percentile(99), `${key} p99`),
          ]),
        ),
      ]);
    }

    rows.push([heading('## Lambda functions')]);
    for (const [group, fns] of groupBy(props.functions, (fn) => groupOf(fn.declaration.id))) {
      const per = (make: (fn: DashboardFunction) => IMetric) => fns.map(make);
      rows.push([
        graph(
          `${group}: errors`,
          per((fn) => fn.function.metricErrors({ period, statistic: Stats.SUM, label: fn.declaration.id })),
        ),
        graph(
          `${group}: throttles`,
          per((fn) => fn.function.metricThrottles({ period, statistic: Stats.SUM, label: fn.declaration.id })),
        ),
        graph(
          `${group}: duration p99 (ms)`,
          per((fn) => fn.function.metricDuration({ period, statistic: Stats.percentile(99), label: fn.declaration.id })),
        ),
        graph(
          `${group}: concurrent executions`,
          per((fn) => fn.function.metric('ConcurrentExecutions', { period, statistic: Stats.MAXIMUM, label: fn.declaration.id })),
        ),
      ]);
    }

    rows.push([heading('## DynamoDB')]);
    for (const [tableId, { table, indexes }] of Object.entries(props.tables)) {
      const tableMetric = (metricName: string, index?: string) =>
        new Metric({
          namespace: 'AWS/DynamoDB',
          metricName,
          dimensionsMap: { TableName: table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
          period,
          statistic: Stats.SUM,
          label: index ? `${index} ${metricName}` : metricName,
        });
      const targets = [undefined, ...indexes];
      rows.push([
        graph(
          `${tableId}: throttle events (table and GSIs)`,
          targets.flatMap((index) => [tableMetric('ReadThrottleEvents', index), tableMetric('WriteThrottleEvents', index)]),
          12,
        ),
        graph(
          `${tableId}: consumed capacity (table and GSIs)`,
          targets.flatMap((index) => [tableMetric('ConsumedReadCapacityUnits', index), tableMetric('ConsumedWriteCapacityUnits', index)]),
          12,
        ),
      ]);
    }

    if (props.cacheName) {
      const cache = (metricName: string, statistic: string) => serverlessCacheMetric(props.cacheName!, metricName, { period, statistic, label: metricName });
      rows.push([heading('## ElastiCache (Valkey)')]);
      rows.push([
        graph('Throttled commands', [cache('ThrottledCmds', Stats.SUM)]),
        graph('ECPUs', [cache('ElastiCacheProcessingUnits', Stats.SUM)]),
        graph('Read / write latency p99 (µs)', [
          cache('SuccessfulReadRequestLatency', Stats.percentile(99)),
          cache('SuccessfulWriteRequestLatency', Stats.percentile(99)),
        ]),
        graph('Bytes used', [cache('BytesUsedForCache', Stats.MAXIMUM)]),
      ]);
    }

    if (props.queues && Object.keys(props.queues).length > 0) {
      const queues = Object.entries(props.queues);
      rows.push([heading('## Queues')]);
      rows.push([
        graph(
          'Messages waiting',
          queues.map(([name, { queue }]) => queue.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM, label: name })),
          8,
        ),
        graph(
          'Oldest message age (s)',
          queues.map(([name, { queue }]) => queue.metricApproximateAgeOfOldestMessage({ period, statistic: Stats.MAXIMUM, label: name })),
          8,
        ),
        graph(
          'DLQ depth (alarms at 1)',
          queues.map(([name, { dlq }]) => dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: Stats.MAXIMUM, label: `${name}-dlq` })),
          8,
        ),
      ]);
    }

    rows.push([heading('## Business and platform metrics (shared/observability/metric-catalogue.ts)')]);
    const entries = catalogueEntries();
    for (const group of Object.keys(BUSINESS_ROWS) as MetricGroup[]) {
      const members = entries.filter((entry) => entry.group === group);
      if (members.length === 0) continue;
      const counts = members.filter((entry) => entry.unit === 'Count');
      const others = members.filter((entry) => entry.unit !== 'Count');
      const widgets: IWidget[] = [
        graph(
          BUSINESS_ROWS[group],
          counts.map((entry) => catalogueMetric(namespace, entry, period)),
          others.length || group === 'cache' || group === 'imports' ? 12 : WIDTH,
        ),
      ];
      for (const entry of others) widgets.push(graph(`${entry.name} (${entry.unit}, max)`, [catalogueMetric(namespace, entry, period)], 6));
      if (group === 'cache') widgets.push(graph('Cache hit ratio (%)', [cacheHitRatio(namespace, period)], 12, { leftYAxis: { min: 0, max: 100 } }));
      if (group === 'imports') widgets.push(graph('Import rows per second', [importRowsPerSecond(namespace, period)], 6));
      rows.push(widgets);
    }

    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}

/** SEARCH expression of a catalogue metric: every series with exactly its dimensions. */
export function catalogueSearch(namespace: string, entry: MetricDeclaration & { name: MetricName }, period: Duration): string {
  const schema = [namespace, ...(entry.dimensions ?? []), 'service'].join(',');
  const statistic = entry.unit === 'Count' ? 'Sum' : 'Maximum';
  return `SEARCH('{${schema}} MetricName="${entry.name}"', '${statistic}', ${period.toSeconds()})`;
}

/**
 * A catalogue metric on the dashboard: counts summed over every function (one line per
 * extra-dimension value would need a line per function too, so those are summed as well),
 * other units as the maximum over functions.
 */
export function catalogueMetric(namespace: string, entry: MetricDeclaration & { name: MetricName }, period: Duration): MathExpression {
  const reduce = entry.unit === 'Count' ? 'SUM' : 'MAX';
  return new MathExpression({ expression: `${reduce}(${catalogueSearch(namespace, entry, period)})`, label: entry.name, period, usingMetrics: {} });
}

function countOf(namespace: string, name: MetricName, period: Duration): MathExpression {
  const entry = catalogueEntries().find((candidate) => candidate.name === name)!;
  return catalogueMetric(namespace, entry, period);
}

/** 100 × hits / (hits + misses); empty while there are no reads. */
function cacheHitRatio(namespace: string, period: Duration): MathExpression {
  return new MathExpression({
    expression: '100 * hits / (hits + misses)',
    label: 'hit ratio %',
    period,
    usingMetrics: { hits: countOf(namespace, 'CacheHit', period), misses: countOf(namespace, 'CacheMiss', period) },
  });
}

function importRowsPerSecond(namespace: string, period: Duration): MathExpression {
  return new MathExpression({
    expression: 'rows / PERIOD(rows)',
    label: 'rows/s',
    period,
    usingMetrics: { rows: countOf(namespace, 'ImportRowsProcessed', period) },
  });
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return [...groups];
}
