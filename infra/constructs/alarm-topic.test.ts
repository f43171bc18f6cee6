import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { AlarmTopic, type AlarmTopicProps } from './alarm-topic.js';

function synth(props: AlarmTopicProps = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const topic = new AlarmTopic(stack, 'AlarmTopic', props);
  new Alarm(stack, 'Alarm', { metric: new Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1 }).addAlarmAction(topic.action);
  return { stack, topic, template: Template.fromStack(stack) };
}

describe('AlarmTopic', () => {
  it('encrypts the topic with its own rotated KMS key that CloudWatch of this account may use', () => {
    const { template, stack, topic } = synth();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: stack.resolve(topic.key.keyArn) });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
          }),
        ]),
      },
    });
  });

  it('refuses publishing without TLS', () => {
    synth().template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('is what alarms notify', () => {
    const { template, stack, topic } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [stack.resolve(topic.topic.topicArn)] });
  });

  it('subscribes an e-mail address only when given one', () => {
    synth().template.resourceCountIs('AWS::SNS::Subscription', 0);
    const { template, stack, topic } = synth({ email: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: stack.resolve(topic.topic.topicArn),
    });
  });

  it('destroys the key with RemovalPolicy.DESTROY', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    expect(Object.values(template.findResources('AWS::KMS::Key')).map((key) => key.DeletionPolicy)).toEqual(['Delete']);
  });
});
