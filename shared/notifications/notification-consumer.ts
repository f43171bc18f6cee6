import path from 'node:path';
import { sqsConsumer } from '../consumers/sqs-consumer.js';
import { featureFlags, flushFlagMetrics } from '../flags/flags-container.js';
import { logger } from '../powertools/logger.js';
import { tracer } from '../powertools/tracer.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { awsNotificationPorts, type NotificationSdk } from './aws-notification-ports.js';
import { fixtureContacts } from './fixture-contacts.js';
import { notificationClaims } from './notification-claims.js';
import { NOTIFICATION_ENV } from './notification-env.js';
import { notificationSdk } from './notification-sdk.js';
import { syntheticContacts } from './notification.js';
import { notificationsTable } from './notifications.table.js';
import { outboxFileChannel } from './outbox-file-channel.js';
import { sendNotifications, type SendNotificationsDeps } from './send-notifications.js';

export const NOTIFICATION_CONSUMER = 'notification-send';

/** The local outbox file (default under `.local/notifications/`). */
export const outboxFileOf = (env: NodeJS.ProcessEnv) => env.NOTIFICATIONS_OUTBOX_FILE;
export const DEFAULT_OUTBOX_FILE = path.join('.local', 'notifications', 'outbox.jsonl');

/** Local ports: every channel appends to the outbox file; contacts are synthetic or from a fixture. */
function localNotificationPorts(env: NodeJS.ProcessEnv, file: string): Pick<SendNotificationsDeps, 'channels' | 'contacts'> {
  const channel = outboxFileChannel(file);
  const contactsFile = env[NOTIFICATION_ENV.contactsFile];
  return { channels: { email: channel, push: channel, sms: channel }, contacts: contactsFile ? fixtureContacts(contactsFile) : syntheticContacts };
}

/**
 * Ports from the environment: with `NOTIFICATIONS_OUTBOX_FILE` (the local stack) the outbox,
 * else the AWS channels (SES, SNS, Cognito) configured by the `NOTIFICATIONS_*` variables CDK sets.
 */
export function notificationDepsFromEnv(env: NodeJS.ProcessEnv, sdk: () => NotificationSdk = notificationSdk): SendNotificationsDeps {
  const tableName = env[notificationsTable.envVar];
  if (!tableName) throw new Error(`${notificationsTable.envVar} is not set`);
  const file = outboxFileOf(env);
  const ports = file ? localNotificationPorts(env, file) : awsNotificationPorts(env, sdk());
  return { flags: featureFlags(env), claims: notificationClaims(tracer.captureAWSv3Client(createDocumentClient(env)), tableName), ...ports };
}

/** The consumer handler; `deps` overrides the ports (tests). */
export function notificationConsumer(setup: (env: NodeJS.ProcessEnv) => SendNotificationsDeps = notificationDepsFromEnv) {
  return sqsConsumer({
    consumer: NOTIFICATION_CONSUMER,
    events: ['order.completed', 'order.payment_failed'],
    setup,
    handle: async (event, deps) => {
      try {
        const result = await sendNotifications(event, deps);
        // Never retried: an address to fix (or a customer without one), not an outage.
        if (result.failed.length > 0) logger.warn('notification not deliverable', { failed: result.failed, order_id: event.data.order_id });
        return result;
      } finally {
        flushFlagMetrics();
      }
    },
  });
}
