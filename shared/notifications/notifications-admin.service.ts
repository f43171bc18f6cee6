import type { NotificationsList, NotificationsListQuery } from './notifications-admin.schemas.js';
import { recentOutbox } from './recent-outbox.js';

/**
 * The newest notifications of the local outbox (every channel writes there in `npm start`),
 * filtered by channel and order; `enabled: false` without an outbox (AWS). An outbox file that
 * does not exist yet means nothing was sent.
 */
export async function listNotifications(query: NotificationsListQuery, outboxFile: string | undefined): Promise<NotificationsList> {
  if (!outboxFile) return { enabled: false };
  const keep = (line: Record<string, unknown>) =>
    (query.channel === undefined || line.channel === query.channel) && (query.order_id === undefined || line.order_id === query.order_id);
  const lines = (await recentOutbox(outboxFile, query.limit, keep)) ?? [];
  return { enabled: true, notifications: lines as never };
}
