import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { eventRules } from '../../events/rules.js';
import { DLQ_RETENTION_SECONDS, queues } from '../../shared/events/queues.js';
import { EventBus } from './event-bus.js';
import { EventQueues, type EventQueuesProps } from './event-queues.js';

function build(props: Partial<EventQueuesProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const events = new EventBus(stack, 'Events');
  const eventQueues = new EventQueues(stack, 'EventQueues', { bus: events.bus, ...props });
  return { app, stack, events, eventQueues };
}

const shared = build();
const template = Template.fromStack(shared.stack);
const ref = (token: string) => shared.stack.resolve(token);
const logicalIdOf = (token: string): string => {
  const resolved = ref(token);
  return resolved.Ref ?? resolved['Fn::GetAtt'][0];
};

type Statement = { Effect: string; Principal?: unknown; Action: string | string[]; Condition?: unknown; Resource: unknown };
/** The statements of the queue policy attached to `queueUrl` (a queue has at most one). */
function policyStatements(queueUrl: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter(
    (policy) => JSON.stringify(policy.Properties.Queues) === JSON.stringify([ref(queueUrl)]),
  );
  expect(policies).toHaveLength(1);
  return policies[0]!.Properties.PolicyDocument.Statement;
}
const allows = (statements: Statement[]) => statements.filter((statement) => statement.Effect === 'Allow');

function fn(stack: Stack, id: string, timeout: Duration) {
  return new LambdaFunction(stack, id, {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
    timeout,
  });
}

describe('EventQueues: queues and DLQs', () => {
  it('creates one queue and one DLQ per declaration of shared/events/queues.ts', () => {
    template.resourceCountIs('AWS::SQS::Queue', queues.length * 2);
    expect(Object.keys(shared.eventQueues.queues).sort()).toEqual(queues.map((queue) => queue.name).sort());
  });

  it.each(queues.map((queue) => [queue.name, queue] as const))('%s: SSE, visibility, retention and redrive as declared', (name, declaration) => {
    const { queue, dlq } = shared.eventQueues.queue(name);
    const queueResource = template.findResources('AWS::SQS::Queue')[logicalIdOf(queue.queueArn)];
    expect(queueResource?.Properties).toEqual({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: declaration.visibilityTimeoutSeconds,
      MessageRetentionPeriod: declaration.retentionSeconds ?? 345_600,
      RedrivePolicy: { deadLetterTargetArn: ref(dlq.queueArn), maxReceiveCount: declaration.maxReceiveCount },
    });
    const dlqResource = template.findResources('AWS::SQS::Queue')[logicalIdOf(dlq.queueArn)];
    expect(dlqResource?.Properties).toEqual({ SqsManagedSseEnabled: true, MessageRetentionPeriod: DLQ_RETENTION_SECONDS });
    expect(queueResource?.DeletionPolicy).toBe('Retain');
    expect(dlqResource?.DeletionPolicy).toBe('Retain');
  });

  it.each(queues.map((queue) => queue.name))('%s and its DLQ refuse requests without TLS', (name) => {
    const { queue, dlq } = shared.eventQueues.queue(name);
    for (const target of [queue, dlq]) {
      expect(policyStatements(target.queueUrl)).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it.each(queues.map((queue) => queue.name))('alarms as soon as the DLQ of %s holds a message', (name) => {
    const { dlq, dlqAlarm } = shared.eventQueues.queue(name);
    const alarm = template.findResources('AWS::CloudWatch::Alarm')[logicalIdOf(dlqAlarm.alarmArn)];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: ref(dlq.queueName) }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('has one alarm per DLQ and no other; alarm actions are added to each', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', queues.length);
    const action: IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:ops' }) };
    const withActions = Template.fromStack(build({ alarmActions: [action] }).stack);
    withActions.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:ops'] }, queues.length);
  });

  it('refuses a visibility timeout under 6× the consumer timeout, per queue or overall', () => {
    expect(() => build({ consumerTimeout: Duration.seconds(11) })).toThrow(/inventory-reserve.*60 s is under 6× its consumer timeout \(66 s needed\)/);
    expect(() => build({ consumerTimeouts: { 'import-chunks': Duration.minutes(3) } })).toThrow(/import-chunks.*900 s/);
    expect(() => build({ consumerTimeout: Duration.seconds(10), consumerTimeouts: { 'import-chunks': Duration.seconds(150) } })).not.toThrow();
  });

  it('destroys queues with RemovalPolicy.DESTROY', async () => {
    const { RemovalPolicy } = await import('aws-cdk-lib');
    const throwAway = Template.fromStack(build({ removalPolicy: RemovalPolicy.DESTROY }).stack);
    const policies = Object.values(throwAway.findResources('AWS::SQS::Queue')).map((queue) => queue.DeletionPolicy);
    expect(new Set(policies)).toEqual(new Set(['Delete']));
  });
});

describe('EventQueues: rules', () => {
  it('creates one rule per declaration of events/rules.ts, all on the custom bus', () => {
    template.resourceCountIs('AWS::Events::Rule', eventRules.length);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventBusName: ref(shared.events.bus.eventBusName) }, eventRules.length);
  });

  it.each(eventRules.map((rule) => [rule.consumer, rule] as const))('%s: the declared pattern, exactly', (consumer, rule) => {
    const resource = template.findResources('AWS::Events::Rule')[logicalIdOf(shared.eventQueues.rules[consumer]!.ruleArn)];
    expect(resource?.Properties.EventPattern).toEqual(JSON.parse(JSON.stringify(rule.eventPattern)));
    expect(resource?.Properties.EventPattern['detail-type'].sort()).toEqual([...rule.eventTypes].sort());
    expect(resource?.Properties.State).toBe('ENABLED');
    expect(resource?.Properties.Description).toBe(rule.description);
  });

  it('inventory-release: release requests and order.completed (its stock is committed as sold)', () => {
    const resource = template.findResources('AWS::Events::Rule')[logicalIdOf(shared.eventQueues.rules['inventory-release']!.ruleArn)];
    expect(resource?.Properties.EventPattern).toEqual({
      source: ['records.inventory', 'records.orders'],
      'detail-type': ['inventory.release_requested', 'order.completed'],
    });
  });

  it.each(eventRules.map((rule) => [rule.consumer, rule.queue] as const))('%s: targets only queue %s, with retries then its DLQ', (consumer, queueName) => {
    const { queue, dlq } = shared.eventQueues.queue(queueName);
    const resource = template.findResources('AWS::Events::Rule')[logicalIdOf(shared.eventQueues.rules[consumer]!.ruleArn)];
    expect(resource?.Properties.Targets).toEqual([
      {
        Id: expect.any(String),
        Arn: ref(queue.queueArn),
        DeadLetterConfig: { Arn: ref(dlq.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      },
    ]);
  });

  it.each(eventRules.map((rule) => [rule.queue, rule.consumer] as const))(
    'only rule %s may send to its queue and DLQ (events.amazonaws.com with aws:SourceArn)',
    (queueName, consumer) => {
      const { queue, dlq } = shared.eventQueues.queue(queueName);
      const ruleArn = ref(shared.eventQueues.rules[consumer]!.ruleArn);
      for (const target of [queue, dlq]) {
        const granted = allows(policyStatements(target.queueUrl));
        expect(granted).toHaveLength(1);
        expect(granted[0]).toMatchObject({
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
          Resource: ref(target.queueArn),
        });
        expect([granted[0]!.Action].flat()).toContain('sqs:SendMessage');
        expect([granted[0]!.Action].flat().every((action) => !/Receive|Delete|Purge|\*/.test(action))).toBe(true);
      }
    },
  );

  it('lets nobody send to a queue no rule feeds', () => {
    const fed = new Set(eventRules.map((rule) => rule.queue));
    const unfed = queues.filter((queue) => !fed.has(queue.name));
    expect(unfed.length).toBeGreaterThan(0);
    for (const declaration of unfed) {
      const { queue } = shared.eventQueues.queue(declaration.name);
      expect(allows(policyStatements(queue.queueUrl))).toEqual([]);
    }
  });

  it('refuses a rule whose queue is not declared', () => {
    const stray = { ...eventRules[0]!, consumer: 'stray', queue: 'nowhere' };
    expect(() => build({ rules: [stray] })).toThrow(/rule 'stray' targets queue 'nowhere', which is not declared/);
  });
});

describe('EventQueues: consumers and producers', () => {
  it('addConsumer maps the queue with partial batch failures and the declared batch size and concurrency', () => {
    const { stack, eventQueues } = build();
    const consumer = fn(stack, 'Reserve', Duration.seconds(10));
    eventQueues.addConsumer(consumer, 'inventory-reserve');
    const built = Template.fromStack(stack);
    built.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const mapping = Object.values(built.findResources('AWS::Lambda::EventSourceMapping'))[0]!.Properties;
    expect(mapping).toEqual({
      EventSourceArn: stack.resolve(eventQueues.queue('inventory-reserve').queue.queueArn),
      FunctionName: stack.resolve(consumer.functionName),
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    // The consumer may drain its own queue and no other.
    const statements = Object.values(built.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const sqs = statements.filter((statement: Statement) => [statement.Action].flat().some((action) => action.startsWith('sqs:')));
    expect(sqs.map((statement: Statement) => statement.Resource)).toEqual([stack.resolve(eventQueues.queue('inventory-reserve').queue.queueArn)]);
  });

  it('addConsumer also finds a queue by its declared consumer id (import-worker drains import-chunks at the fan-out concurrency)', () => {
    const { stack, eventQueues } = build({ consumerTimeouts: { 'import-chunks': Duration.seconds(150) } });
    eventQueues.addConsumer(fn(stack, 'Worker', Duration.seconds(150)), 'import-worker');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(eventQueues.queue('import-chunks').queue.queueArn),
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('addConsumer takes another batch size and window', () => {
    const { stack, eventQueues } = build();
    eventQueues.addConsumer(fn(stack, 'Projector', Duration.seconds(10)), 'order-status-projector', {
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(5),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 100, MaximumBatchingWindowInSeconds: 5 });
  });

  it('addConsumer refuses a function whose timeout is over 1/6 of the visibility timeout, or an unknown queue', () => {
    const { stack, eventQueues } = build();
    expect(() => eventQueues.addConsumer(fn(stack, 'Slow', Duration.seconds(30)), 'payment-process')).toThrow(
      /60 s is under 6× the timeout of Test\/Slow \(180 s needed\)/,
    );
    expect(() => eventQueues.addConsumer(fn(stack, 'Lost', Duration.seconds(5)), 'payment-processs')).toThrow(/no queue 'payment-processs'/);
  });

  it('grantSend gives SendMessage on that queue only and its URL in <NAME>_QUEUE_URL', () => {
    const { stack, eventQueues } = build();
    const producer = fn(stack, 'Producer', Duration.seconds(10));
    eventQueues.grantSend(producer, 'import-chunks');
    const built = Template.fromStack(stack);
    const queue = eventQueues.queue('import-chunks').queue;
    built.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { IMPORT_CHUNKS_QUEUE_URL: stack.resolve(queue.queueUrl) } } });
    built.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Allow', Resource: stack.resolve(queue.queueArn), Action: Match.arrayWith(['sqs:SendMessage']) })],
      },
    });
  });

  it('grantConsume gives receive and delete on that queue only', () => {
    const { stack, eventQueues } = build();
    eventQueues.grantConsume(fn(stack, 'Drain', Duration.seconds(10)), 'notification-send');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Resource: stack.resolve(eventQueues.queue('notification-send').queue.queueArn),
            Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
          }),
        ],
      },
    });
  });
});

describe('EventQueues: cdk-nag AwsSolutions', () => {
  it('finds nothing on the bus, registry, queues, DLQs, rules and alarms', () => {
    const report = new AwsSolutionsChecks().validateScope(shared.app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});
