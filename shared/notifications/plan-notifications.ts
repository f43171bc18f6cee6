import type { Channel, FlagReader, Renderer } from './notification.js';

export type NotifiedEvent = { type: 'order.completed'; customer_id: string } | { type: 'order.payment_failed'; customer_id: string };

export interface NotificationPlan {
  readonly channels: readonly Channel[];
  readonly renderer: Renderer;
}

/**
 * Which channels an event goes to and which renderer writes it: the primary channel is push
 * when `push_notifications` is on for the customer, else e-mail; a payment failure also goes
 * by SMS when `sms_for_important` is on for the customer. `new_notification_pipeline` picks the renderer.
 */
export async function planNotifications(event: NotifiedEvent, flags: FlagReader): Promise<NotificationPlan> {
  const context = { userId: event.customer_id };
  const [push, pipeline, sms] = await Promise.all([
    flags.isEnabled('push_notifications', context),
    flags.isEnabled('new_notification_pipeline', context),
    event.type === 'order.payment_failed' ? flags.isEnabled('sms_for_important', context) : Promise.resolve(false),
  ]);
  const channels: Channel[] = [push ? 'push' : 'email'];
  if (sms) channels.push('sms');
  return { channels, renderer: pipeline ? 'pipeline' : 'classic' };
}
