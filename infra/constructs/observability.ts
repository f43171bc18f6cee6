import { Duration } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IAlarmAction, MathExpression, type IMetric, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { catalogueEntries, type MetricDeclaration, type MetricName } from '../../shared/observability/metric-catalogue.js';
import { METRICS_NAMESPACE } from './service-function.js';

/** A catalogue metric that alarms, with its name. */
export type AlarmedMetric = MetricDeclaration & { name: MetricName; alarm: NonNullable<MetricDeclaration['alarm']> };

/**
 * The catalogue metrics with an alarm: fail-open signals (cache, rate limiter, revocation
 * list), authentication outages, request timeouts and failed import jobs.
 */
export const CATALOGUE_ALARMS: readonly AlarmedMetric[] = catalogueEntries().filter((entry): entry is AlarmedMetric => entry.alarm !== undefined);

/** Thresholds of the alarms on AWS metrics; docs/observability.md explains each. */
export interface AlarmThresholds {
  /** API 5xx answers in percent of requests, per period. */
  readonly serverErrorPercent: number;
  /** Below this many requests in a period the 5xx rate does not alarm (one 500 of three requests is not an outage). */
  readonly minRequests: number;
  /** API p99 latency (ms), as API Gateway measures it (integration included). */
  readonly p99LatencyMs: number;
  /** Periods in a row the API alarms must breach. */
  readonly apiEvaluationPeriods: number;
  /** Lambda errors (the function threw or timed out: handlers answer errors themselves) per function and period. */
  readonly functionErrors: number;
  /** Lambda throttles per function and period. */
  readonly functionThrottles: number;
  /** ElastiCache Serverless throttled commands per period (the cache fails open to DynamoDB, so this is load, not errors). */
  readonly cacheThrottles: number;
  /** Read + write throttle events of a table (its own, not its GSIs': those are on the dashboard) per period. */
  readonly tableThrottles: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  serverErrorPercent: 1,
  minRequests: 20,
  p99LatencyMs: 2_000,
  apiEvaluationPeriods: 3,
  functionErrors: 1,
  functionThrottles: 1,
  tableThrottles: 10,
  cacheThrottles: 10,
};

/** An ElastiCache Serverless metric of the cache named `cacheName` (dimension `clusterId`). */
export function serverlessCacheMetric(cacheName: string, metricName: string, props: { period: Duration; statistic: string; label?: string }): Metric {
  return new Metric({ namespace: 'AWS/ElastiCache', metricName, dimensionsMap: { clusterId: cacheName }, ...props });
}

/** A function to watch; `ServiceFunction` is one. */
export interface MonitoredFunction {
  readonly declaration: { readonly id: string };
  readonly function: IFunction;
}

export interface ObservabilityProps {
  /**
   * @default METRICS_NAMESPACE (`RecordsPlatform`, what every ServiceFunction emits to)
   */
  readonly namespace?: string;
  /**
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Where alarms go (e.g. `AlarmTopic.action`).
   * @default - none: the alarms show in the CloudWatch console only
   */
  readonly alarmActions?: readonly IAlarmAction[];
  /**
   * The API stage whose 5xx rate and p99 latency alarm.
   * @default - no API alarms
   */
  readonly stage?: IHttpStage;
  /**
   * Each gets an errors and a throttles alarm.
   * @default - none
   */
  readonly functions?: readonly MonitoredFunction[];
  /**
   * By table id; each gets a throttling alarm.
   * @default - none
   */
  readonly tables?: Readonly<Record<string, ITableV2>>;
  /**
   * The ElastiCache Serverless cache (its `serverlessCacheName`), whose throttled commands alarm.
   * @default - no cache alarm
   */
  readonly cacheName?: string;
  /**
   * @default DEFAULT_ALARM_THRESHOLDS
   */
  readonly thresholds?: Partial<AlarmThresholds>;
  /**
   * The catalogue metrics to alarm on.
   * @default CATALOGUE_ALARMS (every catalogue entry that declares an alarm)
   */
  readonly catalogueAlarms?: readonly AlarmedMetric[];
}

/**
 * The stack's alarms. One per catalogue metric that declares one, over every function at
 * once: a Metrics Insights query sums it across the `service` dimension Powertools adds, so
 * functions that start emitting it later are covered without touching this construct. Then,
 * when given: the API's 5xx rate and p99 latency, each function's errors and throttles, and
 * each table's throttling. Missing data never breaches (no traffic is not an outage).
 */
export class Observability extends Construct {
  /** By catalogue metric name, `Api5xxRate`, `ApiP99Latency`, `CacheThrottled`, `<function id>-errors`, `<function id>-throttles`, `<table id>-throttles`. */
  public readonly alarms: Readonly<Record<string, Alarm>>;
  public readonly thresholds: AlarmThresholds;

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? METRICS_NAMESPACE;
    const period = props.period ?? Duration.minutes(5);
    const thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...props.thresholds };
    this.thresholds = thresholds;
    const alarms: Record<string, Alarm> = {};
    const alarm = (name: string, description: string, metric: IMetric, threshold: number, evaluationPeriods = 1) => {
      const created = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const action of props.alarmActions ?? []) created.addAlarmAction(action);
      alarms[name] = created;
    };

    for (const entry of props.catalogueAlarms ?? CATALOGUE_ALARMS) {
      const schema = [namespace, ...(entry.dimensions ?? []), 'service'].map((part, i) => (i === 0 ? `"${part}"` : part)).join(', ');
      alarm(
        entry.name,
        `${entry.alarm.why}. Metric ${namespace}/${entry.name}, summed over all functions.`,
        new MathExpression({ expression: `SELECT SUM(${entry.name}) FROM SCHEMA(${schema})`, label: entry.name, period, usingMetrics: {} }),
        entry.alarm.threshold ?? 1,
      );
    }

    if (props.stage) {
      const { stage } = props;
      alarm(
        'Api5xxRate',
        `The API answered ≥ ${thresholds.serverErrorPercent}% 5xx for ${thresholds.apiEvaluationPeriods} periods in a row (with at least ${thresholds.minRequests} requests): check UnhandledError / DependencyError and the functions' logs.`,
        new MathExpression({
          expression: `IF(requests >= ${thresholds.minRequests}, 100 * errors / requests, 0)`,
          label: '5xx %',
          period,
          usingMetrics: { requests: stage.metricCount({ period, statistic: Stats.SUM }), errors: stage.metricServerError({ period, statistic: Stats.SUM }) },
        }),
        thresholds.serverErrorPercent,
        thresholds.apiEvaluationPeriods,
      );
      alarm(
        'ApiP99Latency',
        `The API's p99 latency was ≥ ${thresholds.p99LatencyMs} ms for ${thresholds.apiEvaluationPeriods} periods in a row: see the per-route latency widgets for the slow route.`,
        stage.metricLatency({ period, statistic: Stats.percentile(99) }),
        thresholds.p99LatencyMs,
        thresholds.apiEvaluationPeriods,
      );
    }

    for (const { declaration, function: fn } of props.functions ?? []) {
      alarm(
        `${declaration.id}-errors`,
        `${declaration.id} threw or timed out (Lambda Errors): its handler answers errors itself, so this is a crash, an out-of-memory or a timeout.`,
        fn.metricErrors({ period, statistic: Stats.SUM }),
        thresholds.functionErrors,
      );
      alarm(
        `${declaration.id}-throttles`,
        `${declaration.id} was throttled: the account's (or its reserved) concurrency is exhausted; callers got 429/503.`,
        fn.metricThrottles({ period, statistic: Stats.SUM }),
        thresholds.functionThrottles,
      );
    }

    for (const [tableId, table] of Object.entries(props.tables ?? {})) {
      alarm(
        `${tableId}-throttles`,
        `DynamoDB throttled requests on ${tableId} (a hot partition or an on-demand ramp): the SDK retries, then callers get 503.`,
        new MathExpression({
          expression: 'reads + writes',
          label: `${tableId} throttle events`,
          period,
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { period, statistic: Stats.SUM }),
            writes: table.metric('WriteThrottleEvents', { period, statistic: Stats.SUM }),
          },
        }),
        thresholds.tableThrottles,
      );
    }
    if (props.cacheName) {
      alarm(
        'CacheThrottled',
        'ElastiCache throttled commands (the load grew faster than the serverless cache scales, or it hit its ECPU limit): reads fall back to DynamoDB meanwhile.',
        serverlessCacheMetric(props.cacheName, 'ThrottledCmds', { period, statistic: Stats.SUM }),
        thresholds.cacheThrottles,
      );
    }
    this.alarms = alarms;
  }
}
