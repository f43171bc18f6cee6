import * as z from 'zod/mini';
import { plainText } from '../entity/plain-text.js';
import { CHANNELS } from './notification.js';

/** `GET /api/v1/admin/notifications` query. */
export const notificationsListQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20).check(z.describe('Newest notifications to return (1–100)')),
  channel: z.optional(z.enum(CHANNELS)),
  order_id: z.optional(plainText(1, 64)),
});
export type NotificationsListQuery = z.infer<typeof notificationsListQuerySchema>;

const sentNotification = z.object({
  sent_at: z.string(),
  channel: z.enum(CHANNELS),
  to: z.string(),
  order_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  renderer: z.enum(['classic', 'pipeline']),
  subject: z.string(),
  body: z.string(),
});

/** `GET /api/v1/admin/notifications` body: the local outbox, newest first, or `enabled: false` where there is none. */
export const notificationsListSchema = z
  .union([
    z.object({ enabled: z.literal(true), notifications: z.array(sentNotification) }),
    z.object({ enabled: z.literal(false).check(z.describe('No local outbox: notifications leave through the AWS channels')) }),
  ])
  .check(z.meta({ id: 'NotificationList' }));
export type NotificationsList = z.infer<typeof notificationsListSchema>;
