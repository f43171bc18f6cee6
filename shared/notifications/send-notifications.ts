import type { EventEnvelope } from '../../events/catalog.js';
import type { NotificationClaims } from './notification-claims.js';
import type { Channel, Contact, ContactLookup, FlagReader, NotificationChannel } from './notification.js';
import { NotificationRejectedError } from './notifications.errors.js';
import { planNotifications } from './plan-notifications.js';
import { renderNotification } from './render-notification.js';

export interface SendNotificationsDeps {
  flags: FlagReader;
  contacts: ContactLookup;
  claims: NotificationClaims;
  channels: Record<Channel, NotificationChannel>;
}

/** A channel that can never reach the customer for this event, and why (`noAddress`, `invalidAddress`, the provider's error name). */
export interface FailedChannel {
  channel: Channel;
  reason: string;
}

/** Where a channel reaches the customer. */
const addressOf = (contact: Contact, channel: Channel) => (channel === 'email' ? contact.email : channel === 'sms' ? contact.phone : contact.device);

/** Push to a customer without a push endpoint falls back to e-mail (as push being off does). */
function reachable(channels: readonly Channel[], contact: Contact): Channel[] {
  const swapped = channels.map((channel) => (channel === 'push' && !contact.device ? 'email' : channel));
  return [...new Set(swapped)];
}

export type NotifiedEnvelope = EventEnvelope<'order.completed'> | EventEnvelope<'order.payment_failed'>;

/**
 * Plans, renders and sends one event's notifications. Each channel is claimed before its send;
 * a transient failure releases its claim and the error is rethrown after the other channels ran,
 * so the redelivery retries only the failed channel(s) (the others find their claim and skip).
 * A permanent one (no address, NotificationRejectedError) keeps the claim marked failed: it is
 * reported in `failed`, never retried.
 */
export async function sendNotifications(
  event: NotifiedEnvelope,
  deps: SendNotificationsDeps,
): Promise<{ sent: Channel[]; skipped: Channel[]; failed: FailedChannel[] }> {
  const plan = await planNotifications({ type: event.type, customer_id: event.data.customer_id } as never, deps.flags);
  const contact = await deps.contacts.contactOf(event.data.customer_id);
  const rendered = renderNotification(
    plan.renderer,
    event.type === 'order.completed'
      ? { type: event.type, order_id: event.data.order_id, total: (event as EventEnvelope<'order.completed'>).data.total }
      : { type: event.type, order_id: event.data.order_id, reason: (event as EventEnvelope<'order.payment_failed'>).data.reason },
  );
  const sent: Channel[] = [];
  const skipped: Channel[] = [];
  const failed: FailedChannel[] = [];
  const failures: unknown[] = [];
  for (const channel of reachable(plan.channels, contact)) {
    const to = addressOf(contact, channel);
    const key = { order_id: event.data.order_id, event_id: event.id, channel };
    if (!(await deps.claims.claim(key, to))) {
      skipped.push(channel);
      continue;
    }
    try {
      if (!to) throw new NotificationRejectedError(channel, 'noAddress', `the customer has no ${channel} address`);
      await deps.channels[channel].send({
        channel,
        to,
        order_id: key.order_id,
        event_id: event.id,
        event_type: event.type,
        renderer: plan.renderer,
        ...rendered,
      });
      sent.push(channel);
    } catch (error) {
      if (error instanceof NotificationRejectedError) {
        await deps.claims.markFailed(key, error.reason);
        failed.push({ channel, reason: error.reason });
        continue;
      }
      await deps.claims.release(key);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `notification send failed on ${failures.length} channel(s)`);
  return { sent, skipped, failed };
}
