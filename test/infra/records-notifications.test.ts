import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, bundleDir, bundleFunctions } from '../../infra/build/bundle-functions.js';
import { createRecordsApp } from '../../infra/stacks/records-app.js';
import type { RecordsStack } from '../../infra/stacks/records-stack.js';
import { lambdas } from '../../shared/registry.js';

/** `cdk synth` feature flags; findings are reported here, not thrown. */
const context = {
  ...(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>),
  '@aws-cdk/core:failSynthOnValidationErrors': false,
};
const notifications = { notificationsEmailFrom: 'orders@shop.example', notificationsConfigurationSet: 'notifications', notificationsSmsSenderId: 'SHOP' };

let app: App;
let stack: RecordsStack;
beforeAll(() => {
  bundleFunctions(lambdas.filter((fn) => !existsSync(path.join(bundleDir(fn), 'index.mjs'))));
  ({ app, stack } = createRecordsApp({ context: { ...context, stage: 'prod', ...notifications } }));
});

/** The statements of a consumer's role (in the Consumers nested stack), parameters resolved by name only. */
function statementsOf(id: string) {
  const consumer = stack.consumers.find((fn) => fn.declaration.id === id)!;
  const nested = Template.fromStack(stack.consumersStack);
  const roleRef = stack.consumersStack.resolve(consumer.role.roleName);
  return Object.values(nested.findResources('AWS::IAM::Policy', { Properties: { Roles: [roleRef] } })).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
  );
}
const actionsOf = (id: string) => statementsOf(id).flatMap((statement) => [statement.Action].flat());

describe('a stage with notifications (-c notificationsEmailFrom=…)', () => {
  it('gives notification-send SendEmail, Publish and AdminGetUser, and no other consumer any of them', () => {
    expect(actionsOf('notification-send')).toEqual(expect.arrayContaining(['ses:SendEmail', 'sns:Publish', 'cognito-idp:AdminGetUser']));
    for (const consumer of stack.consumers.filter((fn) => fn.declaration.id !== 'notification-send')) {
      expect(
        actionsOf(consumer.declaration.id).filter((action) => /^(ses|sns|cognito-idp):/.test(action)),
        consumer.declaration.id,
      ).toEqual([]);
    }
  });

  it('sets the NOTIFICATIONS_* variables of notification-send', () => {
    const nested = Template.fromStack(stack.consumersStack);
    const fn = stack.notificationSend.function;
    const props = nested.findResources('AWS::Lambda::Function')[stack.consumersStack.resolve(fn.functionArn)['Fn::GetAtt'][0]]?.Properties;
    expect(props.Environment.Variables).toMatchObject({
      NOTIFICATIONS_EMAIL_FROM: 'orders@shop.example',
      NOTIFICATIONS_SES_CONFIGURATION_SET: 'notifications',
      NOTIFICATIONS_SMS_SENDER_ID: 'SHOP',
      NOTIFICATIONS_USER_POOL_ID: expect.anything(),
    });
  });

  it('declares custom:push_endpoint on the user pool', () => {
    const pool = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPool'))[0];
    expect(pool?.Properties.Schema).toEqual(
      expect.arrayContaining([expect.objectContaining({ Name: 'push_endpoint', AttributeDataType: 'String', Mutable: true })]),
    );
  });

  it('leaves no cdk-nag finding unacknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} ${resource.constructPath}`))).toEqual(
      [],
    );
  });
});
