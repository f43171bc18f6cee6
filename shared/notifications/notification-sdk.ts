import type { NotificationSdk } from './aws-notification-ports.js';

/**
 * The SDK clients of the AWS notification channels, one set per container.
 * `@aws-sdk/client-sesv2` and `@aws-sdk/client-cognito-identity-provider` are not dependencies
 * yet: until they are, setup refuses to start in AWS instead of failing on every message.
 * With them installed this becomes (docs/notifications.md, "Enabling the AWS clients"):
 * `{ sendEmail: (r) => ses.send(new SendEmailCommand(r)), adminGetUser: (r) => cognito.send(new AdminGetUserCommand(r)), sns }`.
 */
export function notificationSdk(): NotificationSdk {
  throw new Error('notification-send: the AWS channels need @aws-sdk/client-sesv2 (SendEmail) and @aws-sdk/client-cognito-identity-provider (AdminGetUser), which are not installed');
}
