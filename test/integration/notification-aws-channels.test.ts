import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { createFeatureFlags } from '../../shared/flags/feature-flags.js';
import { flagRulesSchema } from '../../shared/flags/flag-rules.js';
import type { NotificationSdk } from '../../shared/notifications/aws-notification-ports.js';
import type { CognitoAdminGetUser } from '../../shared/notifications/cognito/cognito-contact-lookup.js';
import { claimPk, type ClaimKey } from '../../shared/notifications/notification-claims.js';
import { NOTIFICATION_CONSUMER, notificationConsumer, notificationDepsFromEnv } from '../../shared/notifications/notification-consumer.js';
import { NOTIFICATION_ENV } from '../../shared/notifications/notification-env.js';
import { notificationsTable } from '../../shared/notifications/notifications.table.js';
import type { SesSendEmail, SesSendEmailRequest } from '../../shared/notifications/ses/ses-email-channel.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

let tables: LocalTables;
beforeAll(async () => {
  tables = await createLocalTables();
});
afterAll(async () => {
  await tables?.drop();
});
const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

/** Cognito users by sub (= customer_id), as AdminGetUser returns their attributes. */
const USERS: Record<string, Record<string, string>> = {
  'sub-ada': { email: 'ada@example.com', email_verified: 'true', phone_number: '+4915112345678', phone_number_verified: 'true' },
  'sub-bob': { email: 'bob@unverified.example', email_verified: 'true' },
  'sub-pushless': { email: 'cy@example.com', email_verified: 'true' },
};
const adminGetUser: CognitoAdminGetUser = async ({ Username }) => {
  const attributes = USERS[Username];
  if (!attributes) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
  return { Enabled: true, UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })) };
};

/** Everyone gets SMS for payment failures and push is on for sub-pushless (who has no endpoint). */
const flags = createFeatureFlags({
  source: {
    current: async () => ({
      document: {
        sms_for_important: flagRulesSchema.parse({ enabled: true }),
        push_notifications: flagRulesSchema.parse({ enabled: true, allow: ['sub-pushless'], percentage: 0 }),
      },
      source: 'test',
    }),
  },
});

const sesError = (name: string, text: string) =>
  Object.assign(new Error(text), { name, $fault: 'client', $metadata: { httpStatusCode: name === 'TooManyRequestsException' ? 429 : 400 } });

/**
 * The real consumer with the AWS ports, selected from the environment as in Lambda (no outbox
 * file, the `NOTIFICATIONS_*` variables CDK sets), claims on DynamoDB Local; SES answers `ses(n)` to its n-th call.
 */
function consumer(ses: (call: number, request: SesSendEmailRequest) => Promise<void> = async () => {}, stageEnv: Record<string, string> = {}) {
  const emails: SesSendEmailRequest[] = [];
  const sendEmail: SesSendEmail = async (request) => {
    emails.push(request);
    await ses(emails.length, request);
    return { MessageId: `m-${emails.length}` };
  };
  const sdk: NotificationSdk = { sendEmail, adminGetUser, sns: new SNSClient({ region: 'eu-west-1' }) };
  const handler = notificationConsumer((env) => ({
    ...notificationDepsFromEnv(
      {
        ...env,
        NOTIFICATIONS_OUTBOX_FILE: undefined,
        [NOTIFICATION_ENV.emailFrom]: 'orders@shop.example',
        [NOTIFICATION_ENV.userPoolId]: 'eu-west-1_Pool',
        ...stageEnv,
      },
      () => sdk,
    ),
    flags,
  }));
  return { emails, invoke: (event: SQSEvent) => handler(event, lambdaContext(NOTIFICATION_CONSUMER)) };
}

const claimOf = async (key: ClaimKey) =>
  (await createDocumentClient(process.env).send(new GetCommand({ TableName: process.env[notificationsTable.envVar]!, Key: { pk: claimPk(key) } }))).Item;

describe('notification-send with the AWS channels (SES, SNS, Cognito contacts; DynamoDB Local claims)', () => {
  it('sends the e-mail to the verified Cognito address once, however often the event is delivered', async () => {
    const { emails, invoke } = consumer();
    const event = sampleEvent('order.completed', { data: { order_id: 'ord_a1', customer_id: 'sub-ada', total: { amount: 4500, currency: 'EUR' } } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ FromEmailAddress: 'orders@shop.example', Destination: { ToAddresses: ['ada@example.com'] } });
  });

  it('SES throttling → a batch item failure; the redelivery sends the e-mail once, and later copies send nothing', async () => {
    const { emails, invoke } = consumer(async (call) => {
      if (call === 1) throw sesError('TooManyRequestsException', 'Maximum sending rate exceeded.');
    });
    const event = sampleEvent('order.completed', { data: { order_id: 'ord_a2', customer_id: 'sub-ada', total: { amount: 100, currency: 'EUR' } } });
    const first = sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER));
    expect((await invoke(first)).batchItemFailures).toEqual([{ itemIdentifier: first.Records[0]!.messageId }]);
    expect(await claimOf({ order_id: 'ord_a2', event_id: event.id, channel: 'email' })).toBeUndefined();
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 3)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(2); // the throttled attempt and the one that went out
  });

  it('an address SES rejects → recorded as failed in the claim, the record succeeds, and it is never tried again', async () => {
    const { emails, invoke } = consumer(async (_, request) => {
      if (request.Destination.ToAddresses[0] === 'bob@unverified.example') throw sesError('MessageRejected', 'Email address is not verified.');
    });
    const event = sampleEvent('order.completed', { data: { order_id: 'ord_a3', customer_id: 'sub-bob', total: { amount: 100, currency: 'EUR' } } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(await claimOf({ order_id: 'ord_a3', event_id: event.id, channel: 'email' })).toMatchObject({
      status: 'failed',
      failure: 'MessageRejected',
      to: 'bob@unverified.example',
    });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(1);
  });

  it('payment failure: e-mail by SES and SMS by SNS; SNS throttled once → only the SMS is sent again', async () => {
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException', $fault: 'client', $metadata: {} }))
      .resolves({ MessageId: 's-1' });
    const { emails, invoke } = consumer();
    const event = sampleEvent('order.payment_failed', { data: { order_id: 'ord_a4', customer_id: 'sub-ada', reason: 'declined' } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toHaveLength(1);
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(1);
    const publishes = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(publishes).toHaveLength(2);
    expect(publishes[1]).toMatchObject({ PhoneNumber: '+4915112345678', Message: expect.stringContaining('ord_a4') });
  });

  it('push on but no push endpoint → e-mail instead; no phone → the SMS is recorded as failed (noAddress), nothing thrown', async () => {
    const { emails, invoke } = consumer();
    const event = sampleEvent('order.payment_failed', { data: { order_id: 'ord_a5', customer_id: 'sub-pushless', reason: 'declined' } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(emails.map((email) => email.Destination.ToAddresses[0])).toEqual(['cy@example.com']);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await claimOf({ order_id: 'ord_a5', event_id: event.id, channel: 'sms' })).toMatchObject({ status: 'failed', failure: 'noAddress' });
    expect(await claimOf({ order_id: 'ord_a5', event_id: event.id, channel: 'push' })).toBeUndefined();
  });

  it('a customer missing from the user pool gets nothing and is not retried', async () => {
    const { emails, invoke } = consumer();
    const event = sampleEvent('order.completed', { data: { order_id: 'ord_a6', customer_id: 'sub-gone', total: { amount: 100, currency: 'EUR' } } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(0);
    expect(await claimOf({ order_id: 'ord_a6', event_id: event.id, channel: 'email' })).toMatchObject({ status: 'failed', failure: 'noAddress' });
  });

  it('a stage without SMS (NOTIFICATIONS_DISABLED_CHANNELS) records the planned SMS as channelDisabled and never calls SNS', async () => {
    const { emails, invoke } = consumer(undefined, { [NOTIFICATION_ENV.disabledChannels]: 'sms,push' });
    const event = sampleEvent('order.payment_failed', { data: { order_id: 'ord_a7', customer_id: 'sub-ada', reason: 'declined' } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(emails).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(await claimOf({ order_id: 'ord_a7', event_id: event.id, channel: 'sms' })).toMatchObject({ status: 'failed', failure: 'channelDisabled' });
  });

  it('refuses to start in AWS without the sender address', () => {
    expect(() =>
      notificationDepsFromEnv({ [notificationsTable.envVar]: 't', [NOTIFICATION_ENV.userPoolId]: 'p' }, () => ({
        sendEmail: async () => ({}),
        adminGetUser,
        sns: new SNSClient({ region: 'eu-west-1' }),
      })),
    ).toThrow(/NOTIFICATIONS_EMAIL_FROM is not set/);
  });
});
