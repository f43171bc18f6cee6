import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * Subscribed by e-mail (AWS sends a confirmation mail first). `cdk deploy -c alarmEmail=…`.
   * @default - no subscription: subscribe the topic to your paging tool yourself
   */
  readonly email?: string;
  /**
   * Applied to the topic's KMS key.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Where every alarm of the stack goes: an SNS topic encrypted with a customer-managed KMS
 * key (rotated yearly) and refusing anything but TLS. A customer-managed key, not
 * `alias/aws/sns`: CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed
 * key, whose policy cannot grant them. Only CloudWatch of this account may use the key.
 */
export class AlarmTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;
  /** Add to an alarm: `alarm.addAlarmAction(topic.action)`. */
  public readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the alarm notifications topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Records platform alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }
}
