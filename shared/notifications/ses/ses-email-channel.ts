import type { NotificationChannel, NotificationMessage } from '../notification.js';
import { NotificationRejectedError, sdkErrorName } from '../notifications.errors.js';

/**
 * The part of SESv2 `SendEmailRequest` this channel uses (a structural subset of
 * `SendEmailCommandInput` of `@aws-sdk/client-sesv2`).
 */
export interface SesSendEmailRequest {
  FromEmailAddress: string;
  Destination: { ToAddresses: string[] };
  Content: { Simple: { Subject: { Data: string; Charset: string }; Body: { Text: { Data: string; Charset: string } } } };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
}

/** PORT: SESv2 SendEmail (`(request) => client.send(new SendEmailCommand(request))`). */
export type SesSendEmail = (request: SesSendEmailRequest) => Promise<{ MessageId?: string }>;

export interface SesEmailChannelOptions {
  /** `FromEmailAddress`: an address of a verified SES identity (`NOTIFICATIONS_EMAIL_FROM`). */
  readonly from: string;
  /** `ConfigurationSetName` (event destinations for bounces/complaints). @default - none */
  readonly configurationSet?: string;
}

/**
 * SESv2 errors that concern this message only: the address is malformed or (in the sandbox)
 * not verified, or the content was refused. Throttling, quota, a paused or suspended account,
 * an unverified MAIL FROM domain or a missing configuration set are transient or configuration
 * problems: they are rethrown so that SQS redelivers (and, if they persist, the DLQ keeps the event).
 */
const PERMANENT = new Set(['MessageRejected', 'BadRequestException']);

/** Plain address syntax: what SES would refuse as `Illegal address`, caught before the call. */
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/** E-mail through SESv2 SendEmail: a plain-text message, tagged with the event type and renderer. */
export function sesEmailChannel(sendEmail: SesSendEmail, options: SesEmailChannelOptions): NotificationChannel {
  return {
    async send(message: NotificationMessage) {
      if (!EMAIL.test(message.to)) throw new NotificationRejectedError('email', 'invalidAddress', 'not an e-mail address');
      try {
        await sendEmail({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: [message.to] },
          Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: { Text: { Data: message.body, Charset: 'UTF-8' } } } },
          ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
          // Tag values allow [A-Za-z0-9_-] only.
          EmailTags: [
            { Name: 'event_type', Value: message.event_type.replace(/[^\w-]/g, '_') },
            { Name: 'renderer', Value: message.renderer },
          ],
        });
      } catch (error) {
        const name = sdkErrorName(error);
        if (name && PERMANENT.has(name)) throw new NotificationRejectedError('email', name, (error as Error).message, { cause: error });
        throw error;
      }
    },
  };
}
