import type { EventEnvelope } from '../../events/catalog.js';
import type { NotificationClaims } from './notification-claims.js';
import type { Channel, ContactLookup, FlagReader, NotificationChannel } from './notification.js';
import { planNotifications } from './plan-notifications.js';
import { renderNotification } from './render-notification.js';

export interface SendNotificationsDeps {
  flags: FlagReader;
  contacts: ContactLookup;
  claims: NotificationClaims;
  channels: Record<Channel, NotificationChannel>;
}

export type NotifiedEnvelope = EventEnvelope<'order.completed'> | EventEnvelope<'order.payment_failed'>;

/**
 * Plans, renders and sends one event's notifications. Each channel is claimed before its send;
 * a failed send releases its claim and the error is rethrown after the other channels ran, so
 * the redelivery retries only the failed channel(s) (the others find their claim and skip).
 */
export async function sendNotifications(event: NotifiedEnvelope, deps: SendNotificationsDeps): Promise<{ sent: Channel[]; skipped: Channel[] }> {
  const plan = await planNotifications({ type: event.type, customer_id: event.data.customer_id } as never, deps.flags);
  const contact = await deps.contacts.contactOf(event.data.customer_id);
  const rendered = renderNotification(plan.renderer, event.type === 'order.completed'
    ? { type: event.type, order_id: event.data.order_id, total: (event as EventEnvelope<'order.completed'>).data.total }
    : { type: event.type, order_id: event.data.order_id, reason: (event as EventEnvelope<'order.payment_failed'>).data.reason });
  const sent: Channel[] = [];
  const skipped: Channel[] = [];
  const failures: unknown[] = [];
  for (const channel of plan.channels) {
    const to = channel === 'email' ? contact.email : channel === 'sms' ? contact.phone : contact.device;
    const key = { order_id: event.data.order_id, event_id: event.id, channel };
    if (!(await deps.claims.claim(key, to))) {
      skipped.push(channel);
      continue;
    }
    try {
      await deps.channels[channel].send({ channel, to, order_id: key.order_id, event_id: event.id, event_type: event.type, renderer: plan.renderer, ...rendered });
      sent.push(channel);
    } catch (error) {
      await deps.claims.release(key);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `notification send failed on ${failures.length} channel(s)`);
  return { sent, skipped };
}
