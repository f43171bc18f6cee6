import type { SNSClient } from '@aws-sdk/client-sns';
import type { NotificationChannel, NotificationMessage } from '../notification.js';
import { NotificationRejectedError } from '../notifications.errors.js';
import { snsPublish } from './sns-publish.js';

/** A platform application endpoint: `arn:aws:sns:<region>:<account>:endpoint/<platform>/<application>/<id>`. */
const ENDPOINT_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:endpoint\/[A-Z_]+\/[^/]+\/[^/]+$/;

/**
 * Push by SNS Publish to the customer's platform endpoint, one payload per platform
 * (`MessageStructure: json`): APNs gets an alert with title and body, FCM a notification;
 * `default` is what any other platform shows.
 */
export function snsPushChannel(client: SNSClient): NotificationChannel {
  return {
    async send(message: NotificationMessage) {
      if (!ENDPOINT_ARN.test(message.to)) throw new NotificationRejectedError('push', 'invalidAddress', 'not an SNS platform endpoint ARN');
      const data = { order_id: message.order_id, event_type: message.event_type };
      const apns = JSON.stringify({ aps: { alert: { title: message.subject, body: message.body } }, ...data });
      await snsPublish(client, 'push', {
        TargetArn: message.to,
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: message.body,
          APNS: apns,
          APNS_SANDBOX: apns,
          GCM: JSON.stringify({ notification: { title: message.subject, body: message.body }, data }),
        }),
      });
    },
  };
}
