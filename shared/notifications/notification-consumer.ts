import path from 'node:path';
import { sqsConsumer } from '../consumers/sqs-consumer.js';
import { featureFlags, flushFlagMetrics } from '../flags/flags-container.js';
import { tracer } from '../powertools/tracer.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { notificationClaims } from './notification-claims.js';
import { type NotificationChannel, syntheticContacts } from './notification.js';
import { notificationsTable } from './notifications.table.js';
import { outboxFileChannel } from './outbox-file-channel.js';
import { sendNotifications, type SendNotificationsDeps } from './send-notifications.js';

export const NOTIFICATION_CONSUMER = 'notification-send';

/** The local outbox file (default under `.local/notifications/`). */
export const outboxFileOf = (env: NodeJS.ProcessEnv) => env.NOTIFICATIONS_OUTBOX_FILE;
export const DEFAULT_OUTBOX_FILE = path.join('.local', 'notifications', 'outbox.jsonl');

/** Ports from the environment. There is no AWS channel adapter yet (SES/SNS): without an outbox file, setup fails loudly. */
export function notificationDepsFromEnv(env: NodeJS.ProcessEnv): SendNotificationsDeps {
  const tableName = env[notificationsTable.envVar];
  if (!tableName) throw new Error(`${notificationsTable.envVar} is not set`);
  const file = outboxFileOf(env);
  if (!file) throw new Error('NOTIFICATIONS_OUTBOX_FILE is not set (no AWS channel adapter is built yet)');
  const channel: NotificationChannel = outboxFileChannel(file);
  return { flags: featureFlags(env), contacts: syntheticContacts, claims: notificationClaims(tracer.captureAWSv3Client(createDocumentClient(env)), tableName), channels: { email: channel, push: channel, sms: channel } };
}

/** The consumer handler; `deps` overrides the ports (tests). */
export function notificationConsumer(setup: (env: NodeJS.ProcessEnv) => SendNotificationsDeps = notificationDepsFromEnv) {
  return sqsConsumer({
    consumer: NOTIFICATION_CONSUMER,
    events: ['order.completed', 'order.payment_failed'],
    setup,
    handle: async (event, deps) => {
      try {
        return await sendNotifications(event, deps);
      } finally {
        flushFlagMetrics();
      }
    },
  });
}
