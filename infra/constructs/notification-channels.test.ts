import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { notificationSend } from '../../shared/registry.js';
import { NotificationChannels, type NotificationChannelsConfig } from './notification-channels.js';
import { ServiceFunction } from './service-function.js';
import { Tables } from './tables.js';
import { notificationsTable } from '../../shared/notifications/notifications.table.js';
import { idempotencyTable } from '../../shared/consumers/idempotency.table.js';

const code = Code.fromInline('export const handler = async () => ({});');
const PUSH_APP = 'arn:aws:sns:eu-west-1:123456789012:app/APNS/shop-ios';

function synth(config: NotificationChannelsConfig, declaration: LambdaDeclaration = notificationSend) {
  const app = new App();
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const tables = new Tables(stack, 'Tables', { designs: [notificationsTable, idempotencyTable] });
  const userPool = new UserPool(stack, 'Pool');
  const fn = new ServiceFunction(stack, declaration.id, { declaration, tables, code });
  const channels = new NotificationChannels(stack, 'NotificationChannels', { userPool, ...config });
  channels.grantDeclared(fn);
  const template = Template.fromStack(stack);
  const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [stack.resolve(fn.role.roleName)] } })).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[],
  );
  const of = (prefix: string) => statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith(prefix)));
  const env = () =>
    template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.function.node.defaultChild as never)]?.Properties.Environment.Variables;
  return { app, stack, fn, userPool, template, of, env };
}

describe('NotificationChannels', () => {
  it('grants SendEmail on the verified identity alone, with the From address pinned (and the configuration set)', () => {
    const { of } = synth({ emailFrom: 'orders@shop.example', configurationSet: 'notifications' });
    expect(of('ses:')).toEqual([
      {
        Effect: 'Allow',
        Action: 'ses:SendEmail',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-west-1:123456789012:identity/shop.example']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-west-1:123456789012:configuration-set/notifications']] },
        ],
        Condition: { StringEquals: { 'ses:FromAddress': 'orders@shop.example' } },
      },
    ]);
  });

  it('grants AdminGetUser on the user pool only, and tells the function where everything is', () => {
    const { of, stack, userPool, env } = synth({ emailFrom: 'orders@shop.example', emailIdentity: 'orders@shop.example', smsSenderId: 'SHOP' });
    expect(of('cognito-idp:')).toEqual([{ Effect: 'Allow', Action: 'cognito-idp:AdminGetUser', Resource: stack.resolve(userPool.userPoolArn) }]);
    expect(env()).toMatchObject({
      NOTIFICATIONS_EMAIL_FROM: 'orders@shop.example',
      NOTIFICATIONS_USER_POOL_ID: stack.resolve(userPool.userPoolId),
      NOTIFICATIONS_SMS_SENDER_ID: 'SHOP',
    });
    expect(env()).not.toHaveProperty('NOTIFICATIONS_DISABLED_CHANNELS');
    expect(of('ses:')[0]?.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:eu-west-1:123456789012:identity/orders@shop.example']],
    });
  });

  it('SMS on (the default): sns:Publish on "*", the only form IAM has for phone numbers, acknowledged with that reason', () => {
    const { of, app } = synth({ emailFrom: 'orders@shop.example' });
    expect(of('sns:')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }]);
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.filter((violation) => violation.ruleName.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  });

  it('SMS off: Publish only to the listed push applications’ endpoints, and the consumer is told SMS is disabled', () => {
    const { of, env } = synth({ emailFrom: 'orders@shop.example', sms: false, pushApplicationArns: [PUSH_APP] });
    expect(of('sns:')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/shop-ios/*' }]);
    expect(env()).toMatchObject({ NOTIFICATIONS_DISABLED_CHANNELS: 'sms' });
    const none = synth({ emailFrom: 'orders@shop.example', sms: false });
    expect(none.of('sns:')).toEqual([]);
    expect(none.env()).toMatchObject({ NOTIFICATIONS_DISABLED_CHANNELS: 'sms,push' });
  });

  it('grants nothing to a function that does not declare sendsNotifications', () => {
    const { of, env } = synth({ emailFrom: 'orders@shop.example' }, { ...notificationSend, id: 'other', sendsNotifications: undefined });
    expect([...of('ses:'), ...of('sns:'), ...of('cognito-idp:')]).toEqual([]);
    expect(Object.keys(env() ?? {}).filter((name) => name.startsWith('NOTIFICATIONS_') && name !== 'NOTIFICATIONS_TABLE_NAME')).toEqual([]);
  });

  it('without an e-mail sender nothing is granted and synthesis warns', () => {
    const { of, stack } = synth({});
    expect([...of('ses:'), ...of('sns:'), ...of('cognito-idp:')]).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Notifications are not configured'))).toHaveLength(1);
  });
});
