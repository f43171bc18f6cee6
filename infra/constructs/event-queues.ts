import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cdkEventPattern, type EventRule, eventRules } from '../../events/rules.js';
import { consumerOf, DLQ_RETENTION_SECONDS, dlqName, type QueueDeclaration, queues, queueUrlEnvVar } from '../../shared/events/queues.js';

/** AWS guidance for SQS event sources: visibility timeout ≥ 6× the function timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;

/** How long EventBridge retries delivering to a queue before the event goes to the DLQ. */
export const TARGET_MAX_EVENT_AGE = Duration.hours(24);
export const TARGET_RETRY_ATTEMPTS = 185;

export interface EventQueuesProps {
  /** The bus the rules listen on. */
  readonly bus: IEventBus;
  /**
   * @default queues (shared/events/queues.ts)
   */
  readonly declarations?: readonly QueueDeclaration[];
  /**
   * Each rule's `queue` must be among `declarations`.
   * @default eventRules (events/rules.ts)
   */
  readonly rules?: readonly EventRule[];
  /**
   * The timeout the consumer of a queue will have; every declared visibility timeout must be at
   * least 6× it (checked here, and again against the real function in `addConsumer`).
   * @default Duration.seconds(10) (the ServiceFunction default)
   */
  readonly consumerTimeout?: Duration;
  /**
   * Per queue name, overriding `consumerTimeout`.
   * @default - none
   */
  readonly consumerTimeouts?: Readonly<Record<string, Duration>>;
  /**
   * Where the DLQ alarms go (e.g. an SNS topic action).
   * @default - none: the alarms show in the CloudWatch console only
   */
  readonly alarmActions?: readonly IAlarmAction[];
  /**
   * Applied to queues and DLQs (they hold messages).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One declared queue as built: the queue, its DLQ, the DLQ alarm and the rule feeding it (if any). */
export interface EventQueue {
  readonly declaration: QueueDeclaration;
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;
  readonly rule?: Rule;
}

export interface ConsumerOptions {
  /** @default the declaration's batchSize */
  readonly batchSize?: number;
  /** @default the declaration's maximumBatchingWindowSeconds (0) */
  readonly maxBatchingWindow?: Duration;
}

/**
 * One SQS queue + DLQ per declaration of shared/events/queues.ts (SQS-managed SSE, TLS only,
 * redrive after the declared maxReceiveCount, an alarm as soon as a DLQ holds a message), and one
 * rule per declaration of events/rules.ts on the bus, with the same pattern the local bus
 * matches, targeting its queue. Only that rule may send to the queue (events.amazonaws.com with
 * aws:SourceArn); events EventBridge cannot deliver after its retries land in the same DLQ.
 */
export class EventQueues extends Construct {
  /** By queue name. */
  public readonly queues: Readonly<Record<string, EventQueue>>;
  /** By consumer (rule) name. */
  public readonly rules: Readonly<Record<string, Rule>>;

  constructor(scope: Construct, id: string, props: EventQueuesProps) {
    super(scope, id);
    const declarations = props.declarations ?? queues;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const built: Record<string, Omit<EventQueue, 'rule'> & { rule?: Rule }> = {};
    for (const declaration of declarations) {
      if (built[declaration.name]) throw new Error(`queue '${declaration.name}' is declared twice`);
      const timeout = props.consumerTimeouts?.[declaration.name] ?? props.consumerTimeout ?? Duration.seconds(10);
      assertVisibility(declaration, timeout, 'its consumer timeout');
      const dlq = new Queue(this, `${declaration.name}-dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.seconds(DLQ_RETENTION_SECONDS),
        removalPolicy,
      });
      const queue = new Queue(this, declaration.name, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(declaration.visibilityTimeoutSeconds),
        retentionPeriod: Duration.seconds(declaration.retentionSeconds ?? 345_600),
        deadLetterQueue: { queue: dlq, maxReceiveCount: declaration.maxReceiveCount },
        removalPolicy,
      });
      const dlqAlarm = new Alarm(this, `${dlqName(declaration)}-alarm`, {
        alarmDescription: `${dlqName(declaration)} holds a message: ${declaration.name} failed it ${declaration.maxReceiveCount} times, or EventBridge could not deliver it. Inspect, fix, then redrive.`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // An empty DLQ publishes no datapoint while idle.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const action of props.alarmActions ?? []) dlqAlarm.addAlarmAction(action);
      built[declaration.name] = { declaration, queue, dlq, dlqAlarm };
    }

    const rules: Record<string, Rule> = {};
    for (const rule of props.rules ?? eventRules) {
      const target = built[rule.queue];
      if (!target) throw new Error(`rule '${rule.consumer}' targets queue '${rule.queue}', which is not declared`);
      if (rules[rule.consumer]) throw new Error(`rule '${rule.consumer}' is declared twice`);
      const cdkRule = new Rule(this, `${rule.consumer}-rule`, {
        eventBus: props.bus,
        description: rule.description,
        eventPattern: cdkEventPattern(rule.eventPattern) as EventPattern,
        targets: [
          new SqsQueue(target.queue, {
            deadLetterQueue: target.dlq,
            retryAttempts: TARGET_RETRY_ATTEMPTS,
            maxEventAge: TARGET_MAX_EVENT_AGE,
          }),
        ],
      });
      target.rule = cdkRule;
      rules[rule.consumer] = cdkRule;
    }
    this.queues = built;
    this.rules = rules;
  }

  /** The built queue `name` (or the queue whose declared consumer is `name`: `import-worker` → `import-chunks`); throws on a name that is not declared. */
  public queue(name: string): EventQueue {
    const found = this.queues[name] ?? Object.values(this.queues).find((candidate) => consumerOf(candidate.declaration) === name);
    if (!found) throw new Error(`no queue '${name}' (declared: ${Object.keys(this.queues).join(', ')})`);
    return found;
  }

  /**
   * Makes `fn` the consumer of queue `name`: an event source mapping with partial batch
   * failures (ReportBatchItemFailures) and the declared batch size, window and concurrency.
   * Throws when the visibility timeout is under 6× the function's timeout.
   */
  public addConsumer(fn: LambdaFunction, name: string, options: ConsumerOptions = {}): SqsEventSource {
    const { declaration, queue } = this.queue(name);
    assertVisibility(declaration, fn.timeout ?? Duration.seconds(3), `the timeout of ${fn.node.path}`);
    const window = options.maxBatchingWindow ?? Duration.seconds(declaration.maximumBatchingWindowSeconds ?? 0);
    const source = new SqsEventSource(queue, {
      batchSize: options.batchSize ?? declaration.batchSize,
      ...(window.toSeconds() > 0 ? { maxBatchingWindow: window } : {}),
      maxConcurrency: declaration.maximumConcurrency ?? 2,
      reportBatchItemFailures: true,
    });
    fn.addEventSource(source);
    return source;
  }

  /** Receive/delete on queue `name` only (e.g. for a function draining it without a mapping). */
  public grantConsume(grantee: IGrantable, name: string): void {
    this.queue(name).queue.grantConsumeMessages(grantee);
  }

  /** sqs:SendMessage on queue `name` only; a Lambda also gets the queue URL in `<NAME>_QUEUE_URL`. */
  public grantSend(grantee: IGrantable, name: string): void {
    const { declaration, queue } = this.queue(name);
    queue.grantSendMessages(grantee);
    if (grantee instanceof LambdaFunction) grantee.addEnvironment(queueUrlEnvVar(declaration), queue.queueUrl);
  }
}

function assertVisibility(declaration: QueueDeclaration, timeout: Duration, what: string): void {
  const needed = timeout.toSeconds() * VISIBILITY_TO_TIMEOUT_RATIO;
  if (declaration.visibilityTimeoutSeconds < needed) {
    throw new Error(
      `queue '${declaration.name}': visibility timeout ${declaration.visibilityTimeoutSeconds} s is under ${VISIBILITY_TO_TIMEOUT_RATIO}× ${what} (${needed} s needed)`,
    );
  }
}
