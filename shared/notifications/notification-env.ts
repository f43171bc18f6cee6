/**
 * The environment of the AWS notification channels: CDK sets it (infra/constructs/notification-channels.ts),
 * the consumer's setup reads it (aws-notification-ports.ts). Locally `NOTIFICATIONS_OUTBOX_FILE` replaces all of it.
 */
export const NOTIFICATION_ENV = {
  /** SES `FromEmailAddress`: an address of the verified identity. Required in AWS. */
  emailFrom: 'NOTIFICATIONS_EMAIL_FROM',
  /** SES configuration set (bounce/complaint event destinations). Optional. */
  configurationSet: 'NOTIFICATIONS_SES_CONFIGURATION_SET',
  /** Cognito user pool whose users are the customers. Required in AWS. */
  userPoolId: 'NOTIFICATIONS_USER_POOL_ID',
  /** SMS sender id. Optional. */
  smsSenderId: 'NOTIFICATIONS_SMS_SENDER_ID',
  /** Channels the stage does not grant (`sms`, `push`, comma-separated): planned sends are recorded as failed (`channelDisabled`). Optional. */
  disabledChannels: 'NOTIFICATIONS_DISABLED_CHANNELS',
  /** Seconds a container caches a customer's contact. Optional, default 300. */
  contactMaxAgeSeconds: 'NOTIFICATIONS_CONTACT_MAX_AGE_SECONDS',
  /** Local only: a JSON fixture of customer contacts (fixture-contacts.ts). */
  contactsFile: 'NOTIFICATIONS_CONTACTS_FILE',
} as const;
