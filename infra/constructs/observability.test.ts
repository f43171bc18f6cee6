import { App, Duration, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocSection } from '../../test/support/generated-doc-section.js';
import { alarmTable } from './alarm-table.js';
import { CATALOGUE_ALARMS, DEFAULT_ALARM_THRESHOLDS, Observability, type ObservabilityProps } from './observability.js';

const action: IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:ops' }) };

function synth(props: (stack: Stack) => ObservabilityProps = () => ({})) {
  const stack = new Stack(new App(), 'Test');
  const observability = new Observability(stack, 'Observability', props(stack));
  return { stack, observability, template: Template.fromStack(stack) };
}

/** An API stage, two functions and a table: what the stack hands over. */
function watched(stack: Stack): ObservabilityProps {
  const api = new HttpApi(stack, 'Api', { createDefaultStage: false });
  const stage = new HttpStage(stack, 'Stage', { httpApi: api, stageName: '$default' });
  const fn = (id: string) => ({
    declaration: { id },
    function: new LambdaFunction(stack, id, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => 1'),
    }),
  });
  const table = new TableV2(stack, 'Students', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  return { stage, functions: [fn('students-get'), fn('imports-on-object-created')], tables: { students: table }, alarmActions: [action] };
}

const alarmsOf = (template: Template) => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);

describe('Observability', () => {
  it.each(CATALOGUE_ALARMS.map((entry) => [entry.name, entry.alarm.threshold ?? 1]))(
    'alarms on %s summed over every function of the RecordsPlatform namespace (threshold %d)',
    (name, threshold) => {
      synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: [{ Expression: `SELECT SUM(${name}) FROM SCHEMA("RecordsPlatform", service)`, Period: 300, ReturnData: true, Id: 'expr_1', Label: name }],
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('alarms on the fail-open signals, authentication outages, timeouts and failed imports, each with its reason', () => {
    expect(CATALOGUE_ALARMS.map((entry) => entry.name).sort()).toEqual(
      [
        'AuthenticationUnavailable',
        'CacheUnavailable',
        'ImportJobsFailed',
        'RateLimitLocalFallback',
        'RequestTimeout',
        'RevocationCheckFailedClosed',
        'RevocationCheckFailedOpen',
      ].sort(),
    );
    const { template, observability } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', CATALOGUE_ALARMS.length);
    expect(Object.keys(observability.alarms).sort()).toEqual(CATALOGUE_ALARMS.map((entry) => entry.name).sort());
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^An import job failed.*Metric RecordsPlatform/ImportJobsFailed, summed over all functions\\.$'),
    });
  });

  it('puts the declared dimensions of an alarmed metric in the query schema', () => {
    const entry = {
      name: 'CircuitOpen',
      unit: 'Count',
      dimensions: ['dependency'],
      group: 'resilience',
      description: 'A circuit opened.',
      alarm: { threshold: 3, why: 'Circuits open' },
    } as const;
    synth(() => ({ catalogueAlarms: [entry] })).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: 'SELECT SUM(CircuitOpen) FROM SCHEMA("RecordsPlatform", dependency, service)' })],
      Threshold: 3,
      AlarmDescription: 'Circuits open. Metric RecordsPlatform/CircuitOpen, summed over all functions.',
    });
  });

  it('alarms on the API 5xx rate only above a minimum of requests, and on p99 latency, for 3 periods in a row', () => {
    const { template, stack } = synth(watched);
    const apiId = stack.resolve((stack.node.findChild('Api') as HttpApi).apiId);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: DEFAULT_ALARM_THRESHOLDS.serverErrorPercent,
      EvaluationPeriods: 3,
      AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:ops'],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests >= 20, 100 * errors / requests, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'requests', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }) }) }),
        Match.objectLike({
          Id: 'errors',
          ReturnData: false,
          MetricStat: Match.objectLike({
            Stat: 'Sum',
            Metric: Match.objectLike({ MetricName: '5xx', Namespace: 'AWS/ApiGateway', Dimensions: Match.arrayWith([{ Name: 'ApiId', Value: apiId }]) }),
          }),
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: 2_000,
      EvaluationPeriods: 3,
      Dimensions: Match.arrayWith([
        { Name: 'ApiId', Value: apiId },
        { Name: 'Stage', Value: '$default' },
      ]),
    });
  });

  it.each(['Errors', 'Throttles'])('alarms on each function’s Lambda %s, naming the function', (metricName) => {
    const { template, stack } = synth(watched);
    for (const id of ['students-get', 'imports-on-object-created']) {
      const fn = stack.node.findChild(id) as LambdaFunction;
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Statistic: 'Sum',
        Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(fn.functionName) }],
        AlarmDescription: Match.stringLikeRegexp(`^${id} `),
        AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:ops'],
      });
    }
  });

  it('alarms on DynamoDB read + write throttle events per table', () => {
    const { template, stack } = synth(watched);
    const table = stack.node.findChild('Students') as TableV2;
    const throttle = (metricName: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: { Namespace: 'AWS/DynamoDB', MetricName: metricName, Dimensions: [{ Name: 'TableName', Value: stack.resolve(table.tableName) }] },
        }),
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: DEFAULT_ALARM_THRESHOLDS.tableThrottles,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'reads + writes' }), throttle('ReadThrottleEvents'), throttle('WriteThrottleEvents')]),
    });
  });

  it('alarms on the serverless cache’s throttled commands when given its name', () => {
    const { template, observability } = synth((stack) => ({ ...watched(stack), cacheName: 'records-cache' }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ElastiCache',
      MetricName: 'ThrottledCmds',
      Dimensions: [{ Name: 'clusterId', Value: 'records-cache' }],
      Statistic: 'Sum',
      Threshold: DEFAULT_ALARM_THRESHOLDS.cacheThrottles,
    });
    expect(observability.alarms.CacheThrottled).toBeDefined();
    expect(synth(watched).observability.alarms.CacheThrottled).toBeUndefined();
  });

  it('counts one alarm per catalogue signal, two for the API, two per function and one per table, all notifying', () => {
    const { template, observability } = synth(watched);
    const expected = CATALOGUE_ALARMS.length + 2 + 2 * 2 + 1;
    template.resourceCountIs('AWS::CloudWatch::Alarm', expected);
    expect(Object.keys(observability.alarms)).toHaveLength(expected);
    expect(Object.keys(observability.alarms)).toEqual(
      expect.arrayContaining(['Api5xxRate', 'ApiP99Latency', 'students-get-errors', 'students-get-throttles', 'students-throttles']),
    );
    for (const alarm of alarmsOf(template)) {
      expect(alarm.AlarmActions).toEqual(['arn:aws:sns:eu-west-1:111111111111:ops']);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('takes another namespace, period and thresholds', () => {
    const { template } = synth((stack) => ({ ...watched(stack), namespace: 'Other', period: Duration.minutes(1), thresholds: { p99LatencyMs: 800 } }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{ Expression: 'SELECT SUM(CacheUnavailable) FROM SCHEMA("Other", service)', Period: 60 }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Latency', Threshold: 800, Period: 60 });
  });
});

describe('docs/observability.md', () => {
  it('lists every alarm with its threshold as the construct builds them (UPDATE_DOCS=1 regenerates the table)', () => {
    const { actual, expected } = generatedDocSection(path.resolve(import.meta.dirname, '../../docs/observability.md'), 'alarms', alarmTable());
    expect(actual).toBe(expected);
    for (const entry of CATALOGUE_ALARMS) expect(expected).toContain(`\`${entry.name}\``);
  });
});
