import { describe, expect, it } from 'vitest';
import { notificationsConfigFrom } from './notifications-config.js';

const from = (context: Record<string, unknown>) => notificationsConfigFrom((key) => context[key]);

describe('notificationsConfigFrom (-c notifications…)', () => {
  it('is empty (not configured) without context', () => {
    expect(from({})).toEqual({});
  });

  it('reads every key', () => {
    expect(
      from({
        notificationsEmailFrom: 'orders@shop.example',
        notificationsEmailIdentity: 'shop.example',
        notificationsConfigurationSet: 'notifications',
        notificationsSms: 'false',
        notificationsSmsSenderId: 'SHOP',
        notificationsPushApplications: 'arn:aws:sns:eu-west-1:123456789012:app/APNS/shop-ios, arn:aws:sns:eu-west-1:123456789012:app/GCM/shop-android',
      }),
    ).toEqual({
      emailFrom: 'orders@shop.example',
      emailIdentity: 'shop.example',
      configurationSet: 'notifications',
      sms: false,
      smsSenderId: 'SHOP',
      pushApplicationArns: ['arn:aws:sns:eu-west-1:123456789012:app/APNS/shop-ios', 'arn:aws:sns:eu-west-1:123456789012:app/GCM/shop-android'],
    });
  });

  it.each([
    [{ notificationsEmailFrom: 'orders' }, /not an e-mail address/],
    [{ notificationsEmailFrom: 'orders@shop.example', notificationsEmailIdentity: 'other.example' }, /does not belong to the identity/],
    [{ notificationsSms: 'yes' }, /true or false/],
    [{ notificationsSmsSenderId: '123' }, /sender id/],
    [{ notificationsSmsSenderId: 'MUCHTOOLONGID' }, /sender id/],
    [{ notificationsPushApplications: 'arn:aws:sns:eu-west-1:123456789012:orders' }, /platform application ARN/],
  ])('refuses %o', (context, message) => {
    expect(() => from(context)).toThrow(message);
  });
});
