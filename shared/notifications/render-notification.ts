import type { Renderer } from './notification.js';

export type RenderInput =
  | { type: 'order.completed'; order_id: string; total: { amount: number; currency: string } }
  | { type: 'order.payment_failed'; order_id: string; reason: string };

const formatTotal = (total: { amount: number; currency: string }) => `${(total.amount / 100).toFixed(2)} ${total.currency}`;

/** The classic renderer: fixed sentences. */
function classic(input: RenderInput) {
  return input.type === 'order.completed'
    ? { subject: `Order ${input.order_id} completed`, body: `Your order ${input.order_id} is complete. Total: ${formatTotal(input.total)}.` }
    : { subject: `Payment failed for order ${input.order_id}`, body: `We could not charge your order ${input.order_id} (${input.reason}).` };
}

/** The new template pipeline: a template per event type, filled from the event's fields. */
const TEMPLATES: Record<RenderInput['type'], { subject: string; body: string }> = {
  'order.completed': { subject: '✔ {order_id} is on its way', body: 'Thanks! Order {order_id} completed — {total}.' },
  'order.payment_failed': { subject: '⚠ Action needed for {order_id}', body: 'Payment for {order_id} failed: {reason}. Please update your card.' },
};
function pipeline(input: RenderInput) {
  const values: Record<string, string> = {
    order_id: input.order_id,
    ...(input.type === 'order.completed' ? { total: formatTotal(input.total) } : { reason: input.reason }),
  };
  const fill = (template: string) => template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');
  const template = TEMPLATES[input.type];
  return { subject: fill(template.subject), body: fill(template.body) };
}

export function renderNotification(renderer: Renderer, input: RenderInput): { subject: string; body: string } {
  return renderer === 'pipeline' ? pipeline(input) : classic(input);
}
