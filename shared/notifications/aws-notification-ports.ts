import type { SNSClient } from '@aws-sdk/client-sns';
import { type CognitoAdminGetUser, cognitoContactLookup } from './cognito/cognito-contact-lookup.js';
import { NOTIFICATION_ENV } from './notification-env.js';
import { type SesSendEmail, sesEmailChannel } from './ses/ses-email-channel.js';
import type { SendNotificationsDeps } from './send-notifications.js';
import { snsPushChannel } from './sns/sns-push-channel.js';
import { snsSmsChannel } from './sns/sns-sms-channel.js';

/** The SDK calls the AWS channels and the contact lookup make (built once per container). */
export interface NotificationSdk {
  sendEmail: SesSendEmail;
  adminGetUser: CognitoAdminGetUser;
  sns: SNSClient;
}

/**
 * The AWS side of the notification ports: e-mail by SES, push and SMS by SNS, contacts from the
 * Cognito user pool. A missing required variable fails setup loudly rather than dropping messages.
 */
export function awsNotificationPorts(env: NodeJS.ProcessEnv, sdk: NotificationSdk): Pick<SendNotificationsDeps, 'channels' | 'contacts'> {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set (the AWS notification channels need it; locally set NOTIFICATIONS_OUTBOX_FILE)`);
    return value;
  };
  const maxAge = Number(env[NOTIFICATION_ENV.contactMaxAgeSeconds] ?? 300);
  if (!Number.isFinite(maxAge) || maxAge < 0) throw new Error(`${NOTIFICATION_ENV.contactMaxAgeSeconds} must be a number of seconds`);
  return {
    channels: {
      email: sesEmailChannel(sdk.sendEmail, { from: required(NOTIFICATION_ENV.emailFrom), configurationSet: env[NOTIFICATION_ENV.configurationSet] || undefined }),
      push: snsPushChannel(sdk.sns),
      sms: snsSmsChannel(sdk.sns, { senderId: env[NOTIFICATION_ENV.smsSenderId] || undefined }),
    },
    contacts: cognitoContactLookup(sdk.adminGetUser, { userPoolId: required(NOTIFICATION_ENV.userPoolId), maxAgeSeconds: maxAge }),
  };
}
