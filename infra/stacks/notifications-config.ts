import type { NotificationChannelsConfig } from '../constructs/notification-channels.js';
import type { ContextReader } from './stage-config.js';

const EMAIL = /^[^\s@<>()",;]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;
/** SNS: 1–11 characters, letters and digits, at least one letter. */
const SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/;
const PLATFORM_APPLICATION = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:app\/[A-Z_]+\/[A-Za-z0-9_.-]+$/;

/**
 * The notification channels of a stage from `-c notifications…` context (docs/notifications.md,
 * "Deploying"): `notificationsEmailFrom`, `notificationsEmailIdentity`, `notificationsConfigurationSet`,
 * `notificationsSmsSenderId`, `notificationsSms` (true|false), `notificationsPushApplications` (comma-separated ARNs).
 * Refuses malformed values instead of deploying a consumer that cannot send.
 */
export function notificationsConfigFrom(context: ContextReader): NotificationChannelsConfig {
  const text = (key: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'boolean') throw new Error(`context ${key} must be a string`);
    return String(value).trim();
  };
  const checked = (key: string, pattern: RegExp, what: string) => {
    const value = text(key);
    if (value !== undefined && !pattern.test(value)) throw new Error(`context ${key}: '${value}' is not ${what}`);
    return value;
  };
  const emailFrom = checked('notificationsEmailFrom', EMAIL, 'an e-mail address');
  const emailIdentity = text('notificationsEmailIdentity');
  if (emailIdentity !== undefined && !DOMAIN.test(emailIdentity) && !EMAIL.test(emailIdentity))
    throw new Error(`context notificationsEmailIdentity: '${emailIdentity}' is not a domain or an e-mail address`);
  if (
    emailIdentity !== undefined &&
    emailFrom !== undefined &&
    emailIdentity !== emailFrom &&
    !emailFrom.toLowerCase().endsWith(`@${emailIdentity.toLowerCase()}`)
  ) {
    throw new Error(`context notificationsEmailFrom '${emailFrom}' does not belong to the identity '${emailIdentity}'`);
  }
  const sms = text('notificationsSms');
  if (sms !== undefined && sms !== 'true' && sms !== 'false') throw new Error(`context notificationsSms must be true or false (got '${sms}')`);
  const applications = (text('notificationsPushApplications') ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);
  for (const arn of applications)
    if (!PLATFORM_APPLICATION.test(arn)) throw new Error(`context notificationsPushApplications: '${arn}' is not an SNS platform application ARN`);
  const configured = {
    emailFrom,
    emailIdentity,
    configurationSet: checked('notificationsConfigurationSet', CONFIGURATION_SET, 'a configuration set name'),
    smsSenderId: checked('notificationsSmsSenderId', SENDER_ID, 'an SMS sender id (1–11 letters/digits)'),
  };
  return {
    ...Object.fromEntries(Object.entries(configured).filter(([, value]) => value !== undefined)),
    ...(sms !== undefined ? { sms: sms === 'true' } : {}),
    ...(applications.length > 0 ? { pushApplicationArns: applications } : {}),
  };
}
