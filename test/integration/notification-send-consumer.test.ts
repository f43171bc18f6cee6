import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { createFeatureFlags } from '../../shared/flags/feature-flags.js';
import { flagRulesSchema } from '../../shared/flags/flag-rules.js';
import { rolloutBucket } from '../../shared/flags/rollout-bucket.js';
import { notificationClaims } from '../../shared/notifications/notification-claims.js';
import { NOTIFICATION_CONSUMER, notificationConsumer } from '../../shared/notifications/notification-consumer.js';
import { type NotificationChannel, syntheticContacts } from '../../shared/notifications/notification.js';
import { notificationsTable } from '../../shared/notifications/notifications.table.js';
import { outboxFileChannel } from '../../shared/notifications/outbox-file-channel.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

let tables: LocalTables;
let dir: string;
beforeAll(async () => {
  tables = await createLocalTables();
  dir = await mkdtemp(path.join(tmpdir(), 'notifications-'));
});
afterAll(async () => {
  await tables?.drop();
});

const SMS_ROLLOUT = 20;
const flags = createFeatureFlags({
  source: { current: async () => ({ document: { sms_for_important: flagRulesSchema.parse({ enabled: true, percentage: SMS_ROLLOUT }) }, source: 'test' }) },
});
const inSmsRollout = Array.from({ length: 500 }, (_, i) => `cus_sms_${i}`).find((id) => rolloutBucket('sms_for_important', id) < SMS_ROLLOUT)!;

/** A real consumer on DynamoDB Local writing a fresh outbox file; `failOnce` makes that channel throw on its first send. */
function consumer(name: string, failOnce?: 'email' | 'sms') {
  const file = path.join(dir, `${name}.jsonl`);
  const outbox = outboxFileChannel(file);
  let failed = false;
  const flaky: NotificationChannel = {
    async send(message) {
      if (message.channel === failOnce && !failed) {
        failed = true;
        throw new Error(`${message.channel} provider down`);
      }
      await outbox.send(message);
    },
  };
  const handler = notificationConsumer(() => ({
    flags,
    contacts: syntheticContacts,
    claims: notificationClaims(createDocumentClient(process.env), process.env[notificationsTable.envVar]!),
    channels: { email: flaky, push: flaky, sms: flaky },
  }));
  return {
    invoke: (event: SQSEvent) => handler(event, lambdaContext(NOTIFICATION_CONSUMER)),
    lines: async () =>
      (await readFile(file, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, string>),
  };
}

describe('notification-send consumer (DynamoDB Local, EventBridge→SQS records)', () => {
  it('order.completed → one e-mail line; the same message redelivered → still one', async () => {
    const { invoke, lines } = consumer('completed');
    const event = sampleEvent('order.completed', { data: { order_id: 'ord_n1', customer_id: 'cus_plain', total: { amount: 4500, currency: 'EUR' } } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(
      (await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2), envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures,
    ).toEqual([]);
    const sent = await lines();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: 'email',
      to: 'cus_plain@customers.local',
      order_id: 'ord_n1',
      event_id: event.id,
      renderer: 'classic',
      subject: 'Order ord_n1 completed',
    });
  });

  it('payment_failed for a customer in the SMS rollout → e-mail + SMS', async () => {
    const { invoke, lines } = consumer('failed');
    const event = sampleEvent('order.payment_failed', { data: { order_id: 'ord_n2', customer_id: inSmsRollout, reason: 'declined' } });
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)))).batchItemFailures).toEqual([]);
    expect((await lines()).map((line) => line.channel)).toEqual(['email', 'sms']);
  });

  it('a channel failing once → the record fails, and its redelivery retries only that channel', async () => {
    const { invoke, lines } = consumer('flaky', 'sms');
    const event = sampleEvent('order.payment_failed', { data: { order_id: 'ord_n3', customer_id: inSmsRollout, reason: 'timeout' } });
    const first = await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER)));
    expect(first.batchItemFailures).toHaveLength(1);
    expect((await lines()).map((line) => line.channel)).toEqual(['email']);
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    expect((await lines()).map((line) => line.channel)).toEqual(['email', 'sms']);
    expect((await invoke(sqsEvent(envelopeRecord(event, NOTIFICATION_CONSUMER, 3)))).batchItemFailures).toEqual([]);
    expect(await lines()).toHaveLength(2);
  });
});
