import { notificationConsumer } from '../../shared/notifications/notification-consumer.js';

/** SQS consumer of `notification-send` (order.completed, order.payment_failed): see docs/notifications.md. */
export const handler = notificationConsumer();
