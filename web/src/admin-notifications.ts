import type { ApiClient } from './api-client.js';
import { dataTable } from './data-table.js';
import { h } from './dom.js';
import { errorBox } from './error-box.js';

const CHANNELS = ['email', 'push', 'sms'] as const;

interface SentNotification {
  sent_at: string;
  channel: string;
  to: string;
  order_id: string;
  event_type: string;
  subject: string;
  body: string;
}
/** `GET /api/v1/admin/notifications` (docs/notifications.md): the local outbox, or none in AWS. */
type NotificationsList = { enabled: true; notifications: SentNotification[] } | { enabled: false };

/**
 * Notifications (admin page): the newest 20 of the outbox, newest first, by channel and order
 * (`GET /api/v1/admin/notifications`); each message's text opens under its subject.
 */
export function notificationsSection(api: ApiClient): HTMLElement {
  const error = errorBox();
  const list = h('div', { class: 'table-wrap', 'aria-live': 'polite' });
  const channel = h(
    'select',
    { id: 'notification-channel' },
    h('option', { value: '' }, 'Every channel'),
    CHANNELS.map((c) => h('option', { value: c }, c)),
  );
  const orderId = h('input', { id: 'notification-order', type: 'text', autocomplete: 'off', maxlength: 64 });

  async function load(event?: Event) {
    event?.preventDefault();
    error.hide();
    const query = new URLSearchParams({ limit: '20' });
    if (channel.value) query.set('channel', channel.value);
    if (orderId.value.trim()) query.set('order_id', orderId.value.trim());
    try {
      const { body } = await api.request<NotificationsList>('GET', `/api/v1/admin/notifications?${query}`);
      if (!body.enabled) {
        list.replaceChildren(h('p', { class: 'notice' }, 'This deployment has no outbox to show: notifications leave through the AWS channels (SES, SNS).'));
        return;
      }
      const rows = body.notifications.map((n) =>
        h(
          'tr',
          { 'data-order': n.order_id },
          h('td', {}, new Date(n.sent_at).toLocaleString()),
          h('td', {}, n.channel),
          h('td', {}, n.to),
          h('td', { class: 'mono' }, n.order_id),
          h('td', { class: 'mono' }, n.event_type),
          h('td', {}, h('details', {}, h('summary', {}, n.subject), h('p', { class: 'notification-body' }, n.body))),
        ),
      );
      list.replaceChildren(
        dataTable('Notifications sent', ['Sent', 'Channel', 'To', 'Order', 'Event', 'Message'], new Set(), rows, 'No notification matches.'),
      );
    } catch (cause) {
      error.show(cause);
    }
  }

  void load();
  return h(
    'section',
    { class: 'card admin-notifications', 'aria-labelledby': 'admin-notifications-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'admin-notifications-title' }, 'Notifications sent')),
    h(
      'form',
      { class: 'toolbar', role: 'search', onsubmit: (event: Event) => void load(event) },
      h('div', { class: 'control' }, h('label', { for: 'notification-channel' }, 'Channel'), channel),
      h('div', { class: 'control' }, h('label', { for: 'notification-order' }, 'Order ID'), orderId),
      h('button', { type: 'submit' }, 'Show notifications'),
    ),
    error.element,
    list,
  );
}
