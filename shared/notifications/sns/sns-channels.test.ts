import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../notification.js';
import { NotificationRejectedError } from '../notifications.errors.js';
import { snsPushChannel } from './sns-push-channel.js';
import { snsSmsChannel } from './sns-sms-channel.js';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());
const client = () => new SNSClient({ region: 'eu-west-1' });

const ENDPOINT = 'arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/shop-ios/5e3a1c2b-0000-4000-8000-000000000001';
const base = {
  order_id: 'ord_1',
  event_id: 'evt_1',
  event_type: 'order.payment_failed',
  renderer: 'pipeline',
  subject: '⚠ Action needed for ord_1',
  body: 'Payment for ord_1 failed: declined.',
} as const;
const sms: NotificationMessage = { ...base, channel: 'sms', to: '+4915112345678' };
const push: NotificationMessage = { ...base, channel: 'push', to: ENDPOINT };
const snsError = (name: string) => Object.assign(new Error(`${name} from SNS`), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('snsSmsChannel', () => {
  it('publishes the body to the phone number as a Transactional SMS with the sender id', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await snsSmsChannel(client(), { senderId: 'SHOP' }).send(sms);
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        PhoneNumber: '+4915112345678',
        Message: 'Payment for ord_1 failed: declined.',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'SHOP' },
        },
      },
    ]);
  });

  it('refuses a number that is not E.164 without calling SNS', async () => {
    await expect(snsSmsChannel(client()).send({ ...sms, to: '0151 1234' })).rejects.toMatchObject({ code: 'notification.rejected', reason: 'invalidAddress' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('turns InvalidParameter into a permanent rejection, and rethrows throttling as it is', async () => {
    sns.on(PublishCommand).rejectsOnce(snsError('InvalidParameterException')).rejectsOnce(snsError('ThrottledException'));
    const channel = snsSmsChannel(client());
    await expect(channel.send(sms)).rejects.toBeInstanceOf(NotificationRejectedError);
    await expect(channel.send(sms)).rejects.toMatchObject({ name: 'ThrottledException' });
  });
});

describe('snsPushChannel', () => {
  it('publishes one payload per platform to the endpoint', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    await snsPushChannel(client()).send(push);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TargetArn: ENDPOINT, MessageStructure: 'json' });
    const payloads = JSON.parse(input.Message!) as Record<string, string>;
    expect(payloads.default).toBe(base.body);
    expect(JSON.parse(payloads.APNS!)).toEqual({
      aps: { alert: { title: base.subject, body: base.body } },
      order_id: 'ord_1',
      event_type: 'order.payment_failed',
    });
    expect(JSON.parse(payloads.GCM!)).toMatchObject({ notification: { title: base.subject, body: base.body } });
  });

  it('turns a disabled or deleted endpoint into a permanent rejection', async () => {
    sns.on(PublishCommand).rejectsOnce(snsError('EndpointDisabledException')).rejectsOnce(snsError('NotFoundException'));
    const channel = snsPushChannel(client());
    await expect(channel.send(push)).rejects.toMatchObject({ reason: 'EndpointDisabledException', channel: 'push' });
    await expect(channel.send(push)).rejects.toMatchObject({ reason: 'NotFoundException' });
  });

  it('refuses an address that is not a platform endpoint ARN (a topic, say) without calling SNS', async () => {
    await expect(snsPushChannel(client()).send({ ...push, to: 'arn:aws:sns:eu-west-1:123456789012:orders' })).rejects.toMatchObject({
      reason: 'invalidAddress',
    });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
