import type { SNSClient } from '@aws-sdk/client-sns';
import type { NotificationChannel, NotificationMessage } from '../notification.js';
import { NotificationRejectedError } from '../notifications.errors.js';
import { snsPublish } from './sns-publish.js';

export interface SnsSmsChannelOptions {
  /** `AWS.SNS.SMS.SenderID` (`NOTIFICATIONS_SMS_SENDER_ID`): 1–11 alphanumerics, where the destination country supports it. @default - none */
  readonly senderId?: string;
}

/** What SNS accepts as a destination: E.164 (`+` and up to 15 digits). */
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * SMS by SNS Publish to a phone number, typed `Transactional` (delivery over cost; order
 * messages are not marketing). The body alone is sent: SMS has no subject.
 */
export function snsSmsChannel(client: SNSClient, options: SnsSmsChannelOptions = {}): NotificationChannel {
  return {
    async send(message: NotificationMessage) {
      if (!E164.test(message.to)) throw new NotificationRejectedError('sms', 'invalidAddress', 'not an E.164 phone number');
      await snsPublish(client, 'sms', {
        PhoneNumber: message.to,
        Message: message.body,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          ...(options.senderId ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } } : {}),
        },
      });
    },
  };
}
