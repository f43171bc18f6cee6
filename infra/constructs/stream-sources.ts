import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EventSourceMapping, type Function as LambdaFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type StreamSourceDeclaration, streamSources } from '../../shared/events/stream-sources.js';
import type { TableCatalog } from './service-function.js';

/**
 * What a DynamoDB event source mapping needs on the stream, on that stream's ARN only. CDK's
 * `grantStreamRead` adds `dynamodb:ListStreams` on "*"; a mapping is given its stream's ARN
 * and never lists streams.
 */
export const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

export interface StreamSourcesProps {
  /** The tables (with their designs) the declarations name; each must have a stream. */
  readonly tables: TableCatalog;
  /** The consumer functions, by Lambda id (`outbox-publisher`). */
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  /**
   * @default streamSources (shared/events/stream-sources.ts)
   */
  readonly declarations?: readonly StreamSourceDeclaration[];
  /**
   * Alarm when a consumer's oldest unread record is this old. The stream keeps records 24 h:
   * a consumer stuck longer loses them.
   * @default Duration.hours(1)
   */
  readonly iteratorAgeAlarm?: Duration;
  /**
   * Where the iterator-age alarms go (e.g. an SNS topic action).
   * @default - none: the alarms show in the CloudWatch console only
   */
  readonly alarmActions?: readonly IAlarmAction[];
}

/**
 * One DynamoDB event source mapping per stream-source declaration, as the local run builds
 * them: the declared starting position, batch size and window, bisect on error and retries
 * (-1: until success), with ReportBatchItemFailures so a consumer's `batchItemFailures` make
 * the mapping retry from the lowest failed record. The consumer may read that stream only.
 */
export class StreamSources extends Construct {
  /** By `<table>:<consumer>`. */
  public readonly mappings: Readonly<Record<string, EventSourceMapping>>;
  /** By `<table>:<consumer>`: the consumer's IteratorAge (maximum over 5 minutes) above the threshold. */
  public readonly iteratorAgeAlarms: Readonly<Record<string, Alarm>>;

  constructor(scope: Construct, id: string, props: StreamSourcesProps) {
    super(scope, id);
    const mappings: Record<string, EventSourceMapping> = {};
    const alarms: Record<string, Alarm> = {};
    const threshold = props.iteratorAgeAlarm ?? Duration.hours(1);
    for (const source of props.declarations ?? streamSources) {
      const key = `${source.table}:${source.consumer}`;
      if (mappings[key]) throw new Error(`stream source '${key}' is declared twice`);
      const table = props.tables.tables[source.table];
      const design = props.tables.designs[source.table];
      if (!table || !design) throw new Error(`stream source '${key}': unknown table '${source.table}'`);
      if (!design.stream || !table.tableStreamArn) throw new Error(`stream source '${key}': table '${source.table}' declares no stream`);
      const fn = props.functions[source.consumer];
      if (!fn) throw new Error(`stream source '${key}': no function '${source.consumer}'`);
      fn.addToRolePolicy(new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [table.tableStreamArn] }));
      const window = source.maximumBatchingWindowSeconds ?? 0;
      mappings[key] = new EventSourceMapping(this, key.replace(':', '-'), {
        target: fn,
        eventSourceArn: table.tableStreamArn,
        startingPosition: StartingPosition[source.startingPosition],
        batchSize: source.batchSize,
        ...(window > 0 ? { maxBatchingWindow: Duration.seconds(window) } : {}),
        bisectBatchOnError: source.bisectBatchOnFunctionError ?? false,
        retryAttempts: source.maximumRetryAttempts,
        reportBatchItemFailures: true,
      });
      alarms[key] = new Alarm(this, `${key.replace(':', '-')}-iterator-age`, {
        alarmDescription: `${source.consumer} is behind on the ${source.table} stream by ${threshold.toHumanString()} or more; records older than 24 h are lost. Check its errors and batch item failures.`,
        metric: fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
        threshold: threshold.toMilliseconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No records, no datapoints: an idle stream is not behind.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const action of props.alarmActions ?? []) alarms[key].addAlarmAction(action);
    }
    this.mappings = mappings;
    this.iteratorAgeAlarms = alarms;
  }
}
