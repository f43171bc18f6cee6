import { describe, expect, it } from 'vitest';
import { ENTITY_EVENT_TYPES, EVENT_TYPES, SAGA_EVENT_TYPES } from '../../../events/catalog.js';
import { toPutEventsEntry } from '../../../events/put-events-entry.js';
import { cdkEventPattern, eventRules } from '../../../events/rules.js';
import { sampleEvent } from '../../../events/sample-events.js';
import { compileEventPattern } from './compile-event-pattern.js';
import { matchesCompiled } from './pattern-matcher.js';
import { toDeliveredEvent } from './put-events.js';

/** Every saga event type as the bus would deliver it. */
const delivered = EVENT_TYPES.map((type) => {
  const outcome = toDeliveredEvent(toPutEventsEntry(sampleEvent(type)), { account: '000000000000', region: 'us-east-1', now: Date.now });
  if (!('event' in outcome)) throw new Error(`sample ${type} was refused`);
  return { type, event: outcome.event };
});

describe('the declared event rules', () => {
  it.each(eventRules.map((rule) => [rule.consumer, rule]))('%s: its pattern is valid and selects exactly its event types', (_name, rule) => {
    const pattern = compileEventPattern(rule.eventPattern);
    const selected = delivered.filter(({ event }) => matchesCompiled(pattern, event)).map(({ type }) => type);
    expect(selected.sort()).toEqual([...rule.eventTypes].sort());
  });

  it('sends every saga event type to the status projector, order.created to inventory-reserve, order.completed to inventory-release, and import.completed to no saga consumer', () => {
    const consumers = (type: string) => eventRules.filter((rule) => rule.eventTypes.includes(type as never)).map((rule) => rule.consumer);
    expect(SAGA_EVENT_TYPES).toEqual(EVENT_TYPES.filter((type) => !type.startsWith('import.') && !ENTITY_EVENT_TYPES.includes(type)));
    for (const type of SAGA_EVENT_TYPES) expect(consumers(type)).toContain('order-status-projector');
    expect(consumers('import.completed')).toEqual([]);
    // Entity change events are published for whoever subscribes; no saga consumer does.
    for (const type of ENTITY_EVENT_TYPES) expect(consumers(type)).toEqual([]);
    expect(consumers('order.created')).toEqual(['inventory-reserve', 'order-status-projector']);
    // The reserved units of a completed order are settled as sold by inventory-release.
    expect(consumers('order.completed')).toEqual(['inventory-release', 'order-status-projector', 'notification-send']);
  });

  it('hands CDK the same pattern under its camelCase key', () => {
    const rule = eventRules[0]!;
    expect(cdkEventPattern(rule.eventPattern)).toEqual({ source: ['records.orders'], detailType: ['order.created'] });
  });
});
