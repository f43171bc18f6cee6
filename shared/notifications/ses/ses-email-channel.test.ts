import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../notification.js';
import { NotificationRejectedError } from '../notifications.errors.js';
import { type SesSendEmailRequest, sesEmailChannel } from './ses-email-channel.js';

const message: NotificationMessage = {
  channel: 'email',
  to: 'ada@example.com',
  order_id: 'ord_1',
  event_id: 'evt_1',
  event_type: 'order.completed',
  renderer: 'classic',
  subject: 'Order ord_1 completed',
  body: 'Your order ord_1 is complete.',
};

/** An SDK service exception as SESv2 throws it: the name is what adapters key on. */
const sesError = (name: string, text = name) => Object.assign(new Error(text), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('sesEmailChannel', () => {
  it('sends one plain-text SendEmail from the configured address, with the configuration set and tags', async () => {
    const calls: SesSendEmailRequest[] = [];
    await sesEmailChannel(async (request) => (calls.push(request), { MessageId: 'm-1' }), {
      from: 'orders@shop.example',
      configurationSet: 'notifications',
    }).send(message);
    expect(calls).toEqual([
      {
        FromEmailAddress: 'orders@shop.example',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: { Subject: { Data: 'Order ord_1 completed', Charset: 'UTF-8' }, Body: { Text: { Data: 'Your order ord_1 is complete.', Charset: 'UTF-8' } } },
        },
        ConfigurationSetName: 'notifications',
        EmailTags: [
          { Name: 'event_type', Value: 'order_completed' },
          { Name: 'renderer', Value: 'classic' },
        ],
      },
    ]);
  });

  it.each(['MessageRejected', 'BadRequestException'])('turns %s (bad or unverified address, refused content) into a permanent rejection', async (name) => {
    const channel = sesEmailChannel(
      async () => {
        throw sesError(name, 'Email address is not verified.');
      },
      { from: 'orders@shop.example' },
    );
    const error = await channel.send(message).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NotificationRejectedError);
    expect(error).toMatchObject({ code: 'notification.rejected', channel: 'email', reason: name });
  });

  it('refuses a malformed address without calling SES', async () => {
    let called = false;
    const channel = sesEmailChannel(async () => ((called = true), {}), { from: 'orders@shop.example' });
    await expect(channel.send({ ...message, to: 'not an address' })).rejects.toMatchObject({ reason: 'invalidAddress' });
    expect(called).toBe(false);
  });

  it.each(['TooManyRequestsException', 'LimitExceededException', 'SendingPausedException', 'MailFromDomainNotVerifiedException', 'NotFoundException'])(
    'rethrows %s as it is (transient or configuration: the event is redelivered)',
    async (name) => {
      const thrown = sesError(name);
      const channel = sesEmailChannel(
        async () => {
          throw thrown;
        },
        { from: 'orders@shop.example' },
      );
      await expect(channel.send(message)).rejects.toBe(thrown);
    },
  );
});
