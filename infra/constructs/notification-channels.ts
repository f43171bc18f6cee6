import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { NOTIFICATION_ENV } from '../../shared/notifications/notification-env.js';
import type { ServiceFunction } from './service-function.js';

/** How a stage sends notifications (`-c notifications…`, infra/stacks/stage-config.ts). */
export interface NotificationChannelsConfig {
  /**
   * `FromEmailAddress` of every e-mail (`-c notificationsEmailFrom=orders@shop.example`). Without it
   * the stage sends nothing: no grants, and the consumer refuses to start (its events wait in the DLQ).
   * @default - notifications not configured
   */
  readonly emailFrom?: string;
  /**
   * The verified SES identity the address belongs to: a domain or the address itself.
   * @default - the domain of `emailFrom`
   */
  readonly emailIdentity?: string;
  /**
   * SES configuration set of every e-mail (bounce and complaint event destinations).
   * @default - none
   */
  readonly configurationSet?: string;
  /**
   * SMS sender id, where the destination country supports one.
   * @default - none
   */
  readonly smsSenderId?: string;
  /**
   * SMS by SNS. IAM can only allow SMS with sns:Publish on Resource "*" (a phone number has no ARN),
   * which also covers every topic and push endpoint of the account; `false` removes that grant and
   * the consumer records planned SMS as failed (`channelDisabled`) instead of trying.
   * @default true
   */
  readonly sms?: boolean;
  /**
   * SNS platform applications (`arn:aws:sns:…:app/APNS/…`) the customers' push endpoints
   * (`custom:push_endpoint`) belong to. With `sms: false`, push publishes are allowed to their
   * endpoints only, and push is disabled when none is listed. (With SMS on, Resource "*" covers them.)
   * @default - none
   */
  readonly pushApplicationArns?: readonly string[];
}

export interface NotificationChannelsProps extends NotificationChannelsConfig {
  /** Where the customers' e-mail, phone and push endpoint attributes are (AdminGetUser). */
  readonly userPool: IUserPool;
}

/** AWS has no resource for a phone number: SMS publishes are only allowed on Resource "*". */
const IAM5_SMS_REASON =
  'sns:Publish on Resource "*" is how IAM allows SMS to a phone number (PhoneNumber publishes have no resource ARN); ' +
  'it is granted only to functions declaring sendsNotifications, in stages where notifications are configured.';
const IAM5_PUSH_REASON = 'sns:Publish scoped to the endpoints of one configured SNS platform application (endpoint ids are per device)';

/**
 * The AWS side of the notification channels (shared/notifications/): SES e-mail from one verified
 * identity, SNS SMS and push, and the Cognito contact lookup. `grantDeclared(fn)` gives a function
 * that declares `sendsNotifications` exactly those permissions and the `NOTIFICATIONS_*` variables.
 */
export class NotificationChannels extends Construct {
  /** False when the stage has no `emailFrom`: nothing is granted. */
  public readonly configured: boolean;
  private readonly props: NotificationChannelsProps;

  constructor(scope: Construct, id: string, props: NotificationChannelsProps) {
    super(scope, id);
    this.props = props;
    this.configured = Boolean(props.emailFrom);
    if (!this.configured) {
      Annotations.of(this).addWarningV2(
        'records:notificationsNotConfigured',
        'Notifications are not configured (-c notificationsEmailFrom=…): notification-send will refuse to start and its events wait in its DLQ (docs/notifications.md).',
      );
    }
  }

  /** The SES identity ARN e-mail is sent from. */
  get identityArn(): string {
    return this.sesArn(`identity/${this.props.emailIdentity ?? this.props.emailFrom!.split('@').pop()}`);
  }

  /** Env and grants of one function, from its declaration; nothing for functions that do not send notifications. */
  public grantDeclared(fn: ServiceFunction<LambdaDeclaration>): void {
    if (!fn.declaration.sendsNotifications || !this.configured) return;
    const { emailFrom, configurationSet, smsSenderId, sms = true, pushApplicationArns = [], userPool } = this.props;
    fn.function.addEnvironment(NOTIFICATION_ENV.emailFrom, emailFrom!);
    fn.function.addEnvironment(NOTIFICATION_ENV.userPoolId, userPool.userPoolId);
    if (configurationSet) fn.function.addEnvironment(NOTIFICATION_ENV.configurationSet, configurationSet);
    if (smsSenderId) fn.function.addEnvironment(NOTIFICATION_ENV.smsSenderId, smsSenderId);

    // SESv2 SendEmail is authorized on the identity and on the configuration set it names; the From address is pinned.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.identityArn, ...(configurationSet ? [this.sesArn(`configuration-set/${configurationSet}`)] : [])],
        conditions: { StringEquals: { 'ses:FromAddress': emailFrom! } },
      }),
    );
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [userPool.userPoolArn] }));
    if (sms) {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
      Validations.of(fn.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: IAM5_SMS_REASON });
      return;
    }
    const endpoints = pushApplicationArns.map((arn) => `${arn.replace(':app/', ':endpoint/')}/*`);
    fn.function.addEnvironment(NOTIFICATION_ENV.disabledChannels, endpoints.length > 0 ? 'sms' : 'sms,push');
    if (endpoints.length === 0) return;
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: endpoints }));
    for (const endpoint of endpoints) Validations.of(fn.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${endpoint}]`, reason: IAM5_PUSH_REASON });
  }

  private sesArn(resource: string): string {
    const stack = Stack.of(this);
    return stack.formatArn({ service: 'ses', resource });
  }
}
