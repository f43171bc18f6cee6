/** GET /api/v1/admin/notifications — the newest notifications of the local outbox, newest first. */
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { notificationsListQuerySchema } from '../../shared/notifications/notifications-admin.schemas.js';
import { listNotifications } from '../../shared/notifications/notifications-admin.service.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-notifications-list'),
  input: { query: notificationsListQuerySchema },
  handle: async ({ query }) => ({ statusCode: 200, body: await listNotifications(query, process.env.NOTIFICATIONS_OUTBOX_FILE) }),
});
