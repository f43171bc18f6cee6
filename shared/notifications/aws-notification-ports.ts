import type { SNSClient } from '@aws-sdk/client-sns';
import { type CognitoAdminGetUser, cognitoContactLookup } from './cognito/cognito-contact-lookup.js';
import { CHANNELS, type Channel, type ContactLookup, type NotificationChannel } from './notification.js';
import { NOTIFICATION_ENV } from './notification-env.js';
import { NotificationRejectedError } from './notifications.errors.js';
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
 * A disabled SMS channel refuses every send (recorded as `channelDisabled`); with push disabled
 * nobody has a push endpoint, so push falls back to e-mail.
 */
export function awsNotificationPorts(env: NodeJS.ProcessEnv, sdk: NotificationSdk): Pick<SendNotificationsDeps, 'channels' | 'contacts'> {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set (the AWS notification channels need it; locally set NOTIFICATIONS_OUTBOX_FILE)`);
    return value;
  };
  const maxAge = Number(env[NOTIFICATION_ENV.contactMaxAgeSeconds] ?? 300);
  if (!Number.isFinite(maxAge) || maxAge < 0) throw new Error(`${NOTIFICATION_ENV.contactMaxAgeSeconds} must be a number of seconds`);
  const disabled = new Set(
    (env[NOTIFICATION_ENV.disabledChannels] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  const unknown = [...disabled].filter((name) => !(CHANNELS as readonly string[]).includes(name) || name === 'email');
  if (unknown.length > 0) throw new Error(`${NOTIFICATION_ENV.disabledChannels}: only sms and push can be disabled (got ${unknown.join(', ')})`);
  const unlessDisabled = (channel: Channel, adapter: () => NotificationChannel) => (disabled.has(channel) ? disabledChannel(channel) : adapter());
  return {
    channels: {
      email: sesEmailChannel(sdk.sendEmail, {
        from: required(NOTIFICATION_ENV.emailFrom),
        configurationSet: env[NOTIFICATION_ENV.configurationSet] || undefined,
      }),
      push: unlessDisabled('push', () => snsPushChannel(sdk.sns)),
      sms: unlessDisabled('sms', () => snsSmsChannel(sdk.sns, { senderId: env[NOTIFICATION_ENV.smsSenderId] || undefined })),
    },
    contacts: withoutPushWhen(
      disabled.has('push'),
      cognitoContactLookup(sdk.adminGetUser, { userPoolId: required(NOTIFICATION_ENV.userPoolId), maxAgeSeconds: maxAge }),
    ),
  };
}

/** Contacts without push endpoints when push is disabled (send-notifications falls back to e-mail). */
function withoutPushWhen(disabled: boolean, contacts: ContactLookup): ContactLookup {
  if (!disabled) return contacts;
  return {
    async contactOf(customerId) {
      const { device: _device, ...rest } = await contacts.contactOf(customerId);
      return rest;
    },
  };
}

/** A channel the stage does not grant: every send is a permanent refusal (recorded, never retried). */
function disabledChannel(channel: Channel): NotificationChannel {
  return {
    async send() {
      throw new NotificationRejectedError(channel, 'channelDisabled', `${channel} is disabled in this stage`);
    },
  };
}
