import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { FAIL_OPEN_SIGNALS, Observability } from './observability.js';

function synth(props: ConstructorParameters<typeof Observability>[2] = {}) {
  const stack = new Stack(new App(), 'Test');
  const observability = new Observability(stack, 'Observability', props);
  return { stack, observability, template: Template.fromStack(stack) };
}

describe('Observability', () => {
  it.each(['CacheUnavailable', 'RateLimitLocalFallback', 'RevocationCheckFailedOpen', 'RevocationCheckFailedClosed'])(
    'alarms on %s summed over every function of the RecordsPlatform namespace',
    (signal) => {
      synth().template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: [{ Expression: `SELECT SUM(${signal}) FROM SCHEMA("RecordsPlatform", service)`, Period: 300, ReturnData: true, Id: 'expr_1', Label: signal }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('has one alarm per fail-open signal and no other', () => {
    const { observability, template } = synth();
    template.resourceCountIs('AWS::CloudWatch::Alarm', Object.keys(FAIL_OPEN_SIGNALS).length);
    expect(Object.keys(observability.alarms).sort()).toEqual(Object.keys(FAIL_OPEN_SIGNALS).sort());
  });

  it('takes another namespace, period and alarm actions', () => {
    const action: IAlarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:111111111111:ops' }) };
    synth({ namespace: 'Other', period: Duration.minutes(1), alarmActions: [action] }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [{ Expression: 'SELECT SUM(CacheUnavailable) FROM SCHEMA("Other", service)', Period: 60 }],
      AlarmActions: ['arn:aws:sns:eu-west-1:111111111111:ops'],
    });
  });
});
