import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_TYPES } from '../../events/catalog.js';
import { toPutEventsEntry } from '../../events/put-events-entry.js';
import { eventRules } from '../../events/rules.js';
import { sampleEvent } from '../../events/sample-events.js';
import { compileEventPattern, type CompiledPattern } from '../../infra/local/eventbridge/compile-event-pattern.js';
import { startLocalEventBus } from '../../infra/local/eventbridge/local-event-bus.js';
import { matchesCompiled } from '../../infra/local/eventbridge/pattern-matcher.js';
import type { DeliveredEvent } from '../../infra/local/eventbridge/put-events.js';
import { type BenchOutcome, type Check, printTable } from './bench-report.js';

/** Evaluations (event × rule) per second the bus must sustain so matching never shows up next to I/O. */
const TARGET_EVALUATIONS_PER_SECOND = 1_000_000;
const MIN_RUN_MS = 1500;

/** Delivered-shape events of every saga type, as the bus matches them. */
function sagaEvents(): DeliveredEvent[] {
  return EVENT_TYPES.map((type) => {
    const envelope = sampleEvent(type);
    const entry = toPutEventsEntry(envelope);
    return {
      version: '0',
      id: envelope.id,
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: '000000000000',
      time: '2026-12-02T14:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: envelope,
    };
  });
}

/** 100 patterns mixing every operator, over the saga events' fields (a heavier, realistic rule set). */
function mixedPatterns(): object[] {
  const patterns: object[] = [];
  for (let i = 0; i < 100; i++) {
    const variants: object[] = [
      { source: [{ prefix: 'records.' }], 'detail-type': [{ suffix: `.x${i}` }, 'order.created'] },
      { detail: { data: { total: { amount: [{ numeric: ['>', i * 10, '<=', 10_000] }] } } } },
      { detail: { data: { items: { sku: [{ wildcard: `SKU-*${i % 3}` }] } } } },
      { detail: { correlation_id: [{ 'anything-but': { prefix: `req-${i}` } }], causation_id: [null] } },
      { $or: [{ source: ['records.payments'] }, { detail: { data: { reason: [{ 'equals-ignore-case': 'OUT_OF_STOCK' }] } } }] },
      { detail: { data: { payment: { token: [{ exists: true }] } }, type: [{ 'anything-but': ['order.cancelled', `t${i}`] }] } },
      { resources: [{ exists: false }], region: [{ 'anything-but': { wildcard: 'eu-*' } }], account: [{ numeric: ['=', i] }, '000000000000'] },
    ];
    patterns.push(variants[i % variants.length]!);
  }
  return patterns;
}

function measure(
  events: readonly DeliveredEvent[],
  patterns: readonly CompiledPattern[],
): { evaluationsPerSecond: number; eventsPerSecond: number; matches: number } {
  let matches = 0;
  let evaluations = 0;
  let routed = 0;
  // Warm up the JIT before timing.
  for (let i = 0; i < 200; i++) for (const event of events) for (const pattern of patterns) matchesCompiled(pattern, event);
  const started = performance.now();
  while (performance.now() - started < MIN_RUN_MS) {
    for (const event of events) {
      for (const pattern of patterns) if (matchesCompiled(pattern, event)) matches++;
      evaluations += patterns.length;
      routed++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { evaluationsPerSecond: evaluations / seconds, eventsPerSecond: routed / seconds, matches };
}

/** PutEvents (10 entries per call) through the HTTP API with the real SDK client, routed and delivered. */
async function measureBus(): Promise<{ eventsPerSecond: number; delivered: number }> {
  let delivered = 0;
  const bus = await startLocalEventBus({ port: 0, deliver: async () => void delivered++ });
  const client = new EventBridgeClient({ endpoint: bus.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const batch = () => ({ Entries: EVENT_TYPES.slice(0, 10).map((type) => toPutEventsEntry(sampleEvent(type))) });
    for (let i = 0; i < 50; i++) await client.send(new PutEventsCommand(batch()));
    delivered = 0;
    let sent = 0;
    const started = performance.now();
    while (performance.now() - started < MIN_RUN_MS) {
      // Four calls in flight, as a publisher draining a stream shard would.
      await Promise.all(Array.from({ length: 4 }, () => client.send(new PutEventsCommand(batch()))));
      sent += 40;
    }
    await bus.idle();
    return { eventsPerSecond: sent / ((performance.now() - started) / 1000), delivered };
  } finally {
    client.destroy();
    await bus.close();
  }
}

/**
 * `saga-match`: how fast the local bus matches events against rules (the 5 saga rules and a
 * 100-pattern mix of every operator), and PutEvents throughput through its HTTP API.
 */
export async function runSagaMatchBench(): Promise<BenchOutcome> {
  const events = sagaEvents();
  const saga = measure(
    events,
    eventRules.map((rule) => compileEventPattern(rule.eventPattern)),
  );
  const mixed = measure(
    events,
    mixedPatterns().map((pattern) => compileEventPattern(pattern)),
  );
  const bus = await measureBus();
  const rate = (value: number) => `${Math.round(value).toLocaleString('en-US')}/s`;
  printTable(
    ['rule set', 'rules', 'events/s', 'event×rule evaluations/s'],
    [
      ['saga rules (events/rules.ts)', String(eventRules.length), rate(saga.eventsPerSecond), rate(saga.evaluationsPerSecond)],
      ['100 mixed-operator patterns', '100', rate(mixed.eventsPerSecond), rate(mixed.evaluationsPerSecond)],
    ],
  );
  console.log(`\nPutEvents via EventBridgeClient (10 entries/call, 4 in flight): ${rate(bus.eventsPerSecond)} events, ${bus.delivered} deliveries`);
  const checks: Check[] = [
    {
      name: 'saga rules: evaluations/s',
      measured: rate(saga.evaluationsPerSecond),
      target: `≥ ${rate(TARGET_EVALUATIONS_PER_SECOND)}`,
      pass: saga.evaluationsPerSecond >= TARGET_EVALUATIONS_PER_SECOND,
    },
    {
      name: 'mixed patterns: evaluations/s',
      measured: rate(mixed.evaluationsPerSecond),
      target: `≥ ${rate(TARGET_EVALUATIONS_PER_SECOND)}`,
      pass: mixed.evaluationsPerSecond >= TARGET_EVALUATIONS_PER_SECOND,
    },
    { name: 'PutEvents through the local bus', measured: `${rate(bus.eventsPerSecond)} events`, target: 'reported' },
  ];
  return { name: 'saga-match', checks, data: { saga, mixed, bus, eventTypes: events.length } };
}
