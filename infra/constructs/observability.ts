import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from './service-function.js';

/**
 * Metrics the functions emit when a dependency fails and they carry on without it (fail
 * open): each request still gets an answer, so nothing else shows the degradation.
 */
export const FAIL_OPEN_SIGNALS = {
  CacheUnavailable: 'Redis/Valkey failed or was slow for a function: its reads go to DynamoDB while the circuit is open (15 s per opening)',
  RateLimitLocalFallback: 'The rate limiter could not reach Redis: each container limits alone with its share of every rule (approximate)',
  RevocationCheckFailedOpen: 'The revocation list was unreachable: reads were accepted without checking revocations',
  RevocationCheckFailedClosed: 'The revocation list was unreachable: writes and admin operations were refused with 503',
} as const;

export type FailOpenSignal = keyof typeof FAIL_OPEN_SIGNALS;

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
   * Where alarms go (e.g. an SNS topic action).
   * @default - none: the alarms show in the CloudWatch console only
   */
  readonly alarmActions?: readonly IAlarmAction[];
}

/**
 * One alarm per fail-open signal, over every function at once: a Metrics Insights query sums
 * the metric across the `service` dimension Powertools adds, so functions that start
 * emitting it later (the rate limiter) are covered without touching this construct.
 */
export class Observability extends Construct {
  public readonly alarms: Readonly<Record<FailOpenSignal, Alarm>>;

  constructor(scope: Construct, id: string, props: ObservabilityProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? METRICS_NAMESPACE;
    const period = props.period ?? Duration.minutes(5);
    const entries = (Object.keys(FAIL_OPEN_SIGNALS) as FailOpenSignal[]).map((signal) => {
      const alarm = new Alarm(this, signal, {
        alarmDescription: `${FAIL_OPEN_SIGNALS[signal]}. Metric ${namespace}/${signal}, summed over all functions.`,
        metric: new MathExpression({
          expression: `SELECT SUM(${signal}) FROM SCHEMA("${namespace}", service)`,
          label: signal,
          period,
          usingMetrics: {},
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No datapoint means nobody failed open.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const action of props.alarmActions ?? []) alarm.addAlarmAction(action);
      return [signal, alarm] as const;
    });
    this.alarms = Object.fromEntries(entries) as Record<FailOpenSignal, Alarm>;
  }
}
