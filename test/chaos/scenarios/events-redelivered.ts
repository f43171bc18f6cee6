import { createReadStream, existsSync } from 'node:fs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createInterface } from 'node:readline';
import type { DomainEvent, EventType } from '../../../events/catalog.js';
import { eventRules } from '../../../events/rules.js';
import { sampleData, sampleEvent } from '../../../events/sample-events.js';
import { consumerOf, dlqName, type QueueDeclaration, queues, queueUrlEnvVar } from '../../../shared/events/queues.js';
import { eventConsumers } from '../../../shared/registry.js';
import { eventBridgeEvent } from '../../support/eventbridge-sqs-record.js';
import { eventually, sleep } from '../chaos-checks.js';
import type { ChaosScenario } from '../chaos-scenario.js';
import type { ChaosStack } from '../chaos-stack.js';

/** Distinct orders per event type, and how often each event is delivered (SQS is at-least-once). */
const ORDERS = 4;
const COPIES = 3;

/**
 * Saga events pushed straight into each registered consumer's queue (as the rule's SQS target
 * delivers them), shuffled across types and orders, each one 3 times. Whatever consumers
 * `eventConsumers` registers are exercised: their queue must drain with nothing new in its DLQ
 * (a duplicate or an early event is absorbed, not poison). Consumers with a known invariant
 * have it checked — notification-send: every event notified, no (event, channel) twice.
 */
export const eventsRedelivered: ChaosScenario = {
  name: 'events-redelivered',
  about: `saga events ×${COPIES}, shuffled, into every registered consumer's queue`,
  async run(chaos, checks) {
    const run = Date.now().toString(36);
    const consumers = eventConsumers.map((declaration) => ({ declaration, queue: queues.find((queue) => consumerOf(queue) === declaration.id) }));
    checks.expect('registered consumers', consumers.length > 0, consumers.map((c) => c.declaration.id).join(', '));
    const targets = consumers.flatMap(({ declaration, queue }) => {
      const rule = eventRules.find((entry) => entry.queue === queue?.name);
      if (!queue) checks.expect(`${declaration.id}: has a queue`, false, 'not declared in shared/events/queues.ts');
      // Queues no rule feeds (import-chunks) carry no saga events.
      return queue && rule ? [{ declaration, queue, rule, sent: envelopesFor(rule.eventTypes, `${run}-${declaration.id}`) }] : [];
    });
    // Every queue at once, as the bus would: the consumers run side by side.
    const prepared = await Promise.all(
      targets.map(async (target) => {
        const dlqBefore = await chaos.eventSide.eventSources.sqs.depth(dlqName(target.queue));
        const deliveries = shuffle(target.sent.flatMap((envelope) => Array.from({ length: COPIES }, () => envelope)));
        for (const envelope of deliveries) await chaos.eventSide.eventSources.sendToQueue(target.queue.name, JSON.stringify(eventBridgeEvent(envelope)));
        return { ...target, dlqBefore, deliveries: deliveries.length };
      }),
    );
    const started = Date.now();
    await Promise.all(
      prepared.map(async ({ declaration, queue, rule, sent, dlqBefore, deliveries }) => {
        // Visible and in flight: a copy that met its twin mid-processing comes back after the visibility timeout.
        const drained = await eventually(async () => (await messagesLeft(chaos, queue)) === 0, (queue.visibilityTimeoutSeconds + 30) * 1000, 500);
        checks.expect(
          `${declaration.id}: queue drains, in-flight copies included (${deliveries} deliveries of ${sent.length} events: ${rule.eventTypes.length > 3 ? `${rule.eventTypes.length} types` : rule.eventTypes.join(', ')})`,
          drained,
          `${await messagesLeft(chaos, queue)} left after ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        const invariant = INVARIANTS[declaration.id];
        if (invariant) {
          const outcome = await invariant(chaos, sent);
          checks.expect(`${declaration.id}: ${outcome.name}`, outcome.pass, outcome.detail);
        } else {
          checks.expect(`${declaration.id}: no invariant known to the harness (only drain + DLQ checked)`, true, 'add one to INVARIANTS');
        }
        await sleep(1_000);
        const dlqAfter = await chaos.eventSide.eventSources.sqs.depth(dlqName(queue));
        checks.expect(`${declaration.id}: nothing new in ${dlqName(queue)}`, dlqAfter === dlqBefore, `${dlqBefore} → ${dlqAfter}`);
      }),
    );
  },
};

/** Messages visible plus in flight in `queue`. */
async function messagesLeft(chaos: ChaosStack, queue: QueueDeclaration): Promise<number> {
  const { sqs } = chaos.eventSide.eventSources;
  const { Attributes } = await sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: chaos.eventSide.env[queueUrlEnvVar(queue)],
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
}

type Invariant = (chaos: ChaosStack, sent: DomainEvent[]) => Promise<{ name: string; pass: boolean; detail: string }>;

/** What each consumer documents about redelivery, checked from its observable effect. */
const INVARIANTS: Record<string, Invariant> = {
  'notification-send': async (chaos, sent) => {
    const file = chaos.stack.env.NOTIFICATIONS_OUTBOX_FILE ?? process.env.NOTIFICATIONS_OUTBOX_FILE!;
    const ids = new Set(sent.map((event) => event.id));
    let lines: { event_id: string; channel: string }[] = [];
    await eventually(
      async () => {
        lines = (await readLines(file)).filter((line) => ids.has(line.event_id));
        return new Set(lines.map((line) => line.event_id)).size === ids.size;
      },
      30_000,
      300,
    );
    const pairs = lines.map((line) => `${line.event_id}#${line.channel}`);
    const twice = pairs.length - new Set(pairs).size;
    const notified = new Set(lines.map((line) => line.event_id)).size;
    return {
      name: 'every event notified, no (event, channel) sent twice',
      pass: notified === ids.size && twice === 0,
      detail: `${notified}/${ids.size} events notified, ${lines.length} messages, ${twice} duplicates`,
    };
  },
};

/** ORDERS envelopes of each type, each for its own order and customer, fresh ids. */
function envelopesFor(types: readonly EventType[], run: string): DomainEvent[] {
  return types.flatMap((type) =>
    Array.from({ length: ORDERS }, (_, n) => {
      const data = { ...sampleData[type], order_id: `ord_${run}_${n}`.replace(/[^A-Za-z0-9_-]/g, '_') } as Record<string, unknown>;
      if ('customer_id' in data) data.customer_id = `cust_${run}_${n}`.replace(/[^A-Za-z0-9_-]/g, '_');
      return sampleEvent(type, { data: data as never, occurred_at: new Date(Date.now() - n * 1000).toISOString() });
    }),
  );
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function readLines(file: string): Promise<{ event_id: string; channel: string }[]> {
  if (!existsSync(file)) return [];
  const lines: { event_id: string; channel: string }[] = [];
  for await (const line of createInterface({ input: createReadStream(file, 'utf8') })) if (line.trim()) lines.push(JSON.parse(line));
  return lines;
}
