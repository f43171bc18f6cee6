import { describe, expect, it } from 'vitest';
import { createFeatureFlags } from '../flags/feature-flags.js';
import { flagRulesSchema } from '../flags/flag-rules.js';
import type { FlagSource } from '../flags/flag-source.js';
import { rolloutBucket } from '../flags/rollout-bucket.js';
import { planNotifications } from './plan-notifications.js';
import { renderNotification } from './render-notification.js';

const flagsWith = (document: Record<string, object>) => {
  const source: FlagSource = {
    current: async () => ({
      document: Object.fromEntries(Object.entries(document).map(([name, rules]) => [name, flagRulesSchema.parse(rules)])),
      source: 'test',
    }),
  };
  return createFeatureFlags({ source });
};
const completed = (customer_id: string) => ({ type: 'order.completed' as const, customer_id });
const failed = (customer_id: string) => ({ type: 'order.payment_failed' as const, customer_id });

describe('planNotifications', () => {
  it('every flag off (declared defaults): e-mail, classic renderer, no SMS even for a payment failure', async () => {
    const flags = flagsWith({});
    expect(await planNotifications(completed('cus_1'), flags)).toEqual({ channels: ['email'], renderer: 'classic' });
    expect(await planNotifications(failed('cus_1'), flags)).toEqual({ channels: ['email'], renderer: 'classic' });
  });

  it('push targeted to one customer: that customer gets push, everyone else e-mail', async () => {
    const flags = flagsWith({ push_notifications: { enabled: true, allow: ['cus_push'] } });
    expect((await planNotifications(completed('cus_push'), flags)).channels).toEqual(['push']);
    expect((await planNotifications(completed('cus_other'), flags)).channels).toEqual(['email']);
    expect((await planNotifications(failed('cus_push'), flags)).channels).toEqual(['push']);
  });

  it('sms_for_important on globally: payment failures add SMS after the primary channel; completions never do', async () => {
    const flags = flagsWith({ sms_for_important: { enabled: true }, push_notifications: { enabled: true, allow: ['cus_push'] } });
    expect((await planNotifications(failed('cus_a'), flags)).channels).toEqual(['email', 'sms']);
    expect((await planNotifications(failed('cus_push'), flags)).channels).toEqual(['push', 'sms']);
    expect((await planNotifications(completed('cus_a'), flags)).channels).toEqual(['email']);
  });

  it('sms_for_important percentage rollout: exactly the customers inside the rollout bucket get SMS', async () => {
    const flags = flagsWith({ sms_for_important: { enabled: true, percentage: 30 } });
    const customers = Array.from({ length: 200 }, (_, i) => `cus_${i}`);
    const inside = customers.filter((customer) => rolloutBucket('sms_for_important', customer) < 30).length;
    expect(inside).toBeGreaterThan(30);
    expect(inside).toBeLessThan(90);
    for (const customer of customers) {
      const inRollout = rolloutBucket('sms_for_important', customer) < 30;
      expect((await planNotifications(failed(customer), flags)).channels, customer).toEqual(inRollout ? ['email', 'sms'] : ['email']);
    }
  });

  it('new_notification_pipeline picks the pipeline renderer; disabled flag with rules stays classic', async () => {
    expect((await planNotifications(completed('cus_1'), flagsWith({ new_notification_pipeline: { enabled: true } }))).renderer).toBe('pipeline');
    expect((await planNotifications(completed('cus_1'), flagsWith({ new_notification_pipeline: { enabled: false } }))).renderer).toBe('classic');
  });

  it('denied customer stays on e-mail even when push is global', async () => {
    const flags = flagsWith({ push_notifications: { enabled: true, deny: ['cus_no'] } });
    expect((await planNotifications(completed('cus_no'), flags)).channels).toEqual(['email']);
    expect((await planNotifications(completed('cus_yes'), flags)).channels).toEqual(['push']);
  });
});

describe('renderNotification', () => {
  const input = { type: 'order.completed' as const, order_id: 'ord_1', total: { amount: 4500, currency: 'EUR' } };
  it('the two renderers write different text from the same event', () => {
    expect(renderNotification('classic', input)).toEqual({ subject: 'Order ord_1 completed', body: 'Your order ord_1 is complete. Total: 45.00 EUR.' });
    expect(renderNotification('pipeline', input).body).toBe('Thanks! Order ord_1 completed — 45.00 EUR.');
    expect(renderNotification('pipeline', { type: 'order.payment_failed', order_id: 'ord_2', reason: 'declined' }).body).toContain('failed: declined');
  });
});
