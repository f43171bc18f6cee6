import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../infra/build/bundle-functions.js';
import { domainEvent, ENTITY_EVENT_SOURCES, ENTITY_EVENT_TYPES, EVENT_SOURCES, eventCatalog, EVENT_TYPES } from './catalog.js';
import { eventJsonSchemas, SCHEMAS_DIR } from './json-schemas.js';
import { toPutEventsEntry } from './put-events-entry.js';
import { queueDeclaration } from '../shared/events/queues.js';
import { eventRules, ruleFor } from './rules.js';
import { sampleEvent } from './sample-events.js';

describe('event catalog', () => {
  it('declares every saga event type and import.completed, each with the source of its domain', () => {
    // Besides the change events of entities scaffolded with --with-events (next test).
    expect(EVENT_TYPES.filter((type) => !ENTITY_EVENT_TYPES.includes(type)).sort()).toEqual(
      [
        'import.completed',
        'inventory.release_requested',
        'inventory.released',
        'inventory.reservation_failed',
        'inventory.reserved',
        'order.cancelled',
        'order.completed',
        'order.created',
        'order.payment_failed',
        'order.rejected',
        'payment.failed',
        'payment.succeeded',
      ].sort(),
    );
    for (const type of EVENT_TYPES.filter((type) => !ENTITY_EVENT_TYPES.includes(type))) {
      const expected = { order: 'records.orders', inventory: 'records.inventory', payment: 'records.payments', import: 'records.imports' }[type.split('.')[0]!];
      expect(eventCatalog[type].source).toBe(expected);
    }
    const entitySources = Object.values(ENTITY_EVENT_SOURCES) as string[];
    expect(
      Object.values(EVENT_SOURCES)
        .filter((source) => !entitySources.includes(source))
        .sort(),
    ).toEqual(['records.imports', 'records.inventory', 'records.orders', 'records.payments']);
  });

  it('gives each entity with change events exactly <singular>.created, .updated and .deleted from records.<entity>', () => {
    for (const [domain, source] of Object.entries(ENTITY_EVENT_SOURCES) as [string, string][]) {
      expect(source).toMatch(/^records\.[a-z][a-z0-9_]*$/);
      const types = EVENT_TYPES.filter((type) => eventCatalog[type].source === source);
      expect(types.sort()).toEqual([`${domain}.created`, `${domain}.deleted`, `${domain}.updated`]);
    }
    expect(ENTITY_EVENT_TYPES).toHaveLength(Object.keys(ENTITY_EVENT_SOURCES).length * 3);
  });

  it.each(EVENT_TYPES)('parses a valid %s envelope and routes it by type', (type) => {
    const parsed = domainEvent.parse(sampleEvent(type));
    expect(parsed.type).toBe(type);
  });

  it('refuses an envelope whose data does not fit its type', () => {
    const wrong = { ...sampleEvent('order.created'), data: { order_id: 'ord_01' } };
    const result = domainEvent.safeParse(wrong);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['data', 'customer_id']);
  });

  it('refuses an envelope without a uuid id or with a local-time occurred_at', () => {
    expect(domainEvent.safeParse(sampleEvent('order.completed', { id: 'not-a-uuid' })).success).toBe(false);
    expect(domainEvent.safeParse(sampleEvent('order.completed', { occurred_at: '2026-12-02T14:00:00+02:00' })).success).toBe(false);
    expect(domainEvent.safeParse({ ...sampleEvent('order.completed'), correlation_id: undefined }).success).toBe(false);
  });

  it('turns an envelope into a PutEvents entry: source of the domain, detail-type = type, detail = envelope', () => {
    const event = sampleEvent('payment.failed');
    const entry = toPutEventsEntry(event, 'bus-x');
    expect(entry).toMatchObject({ Source: 'records.payments', DetailType: 'payment.failed', EventBusName: 'bus-x' });
    expect(JSON.parse(entry.Detail)).toEqual(event);
    expect(entry.Time.toISOString()).toBe(event.occurred_at);
  });
});

describe('generated JSON Schema', () => {
  it(`matches the committed files in ${SCHEMAS_DIR}/ (run npm run events:schemas after changing a schema)`, () => {
    const dir = path.join(ROOT, SCHEMAS_DIR);
    const generated = eventJsonSchemas();
    const committed = Object.fromEntries(
      readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => [name, readFileSync(path.join(dir, name), 'utf8')]),
    );
    expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated)) expect(committed[name], name).toBe(text);
  });

  it('describes the envelope with its required fields and the EventBridge routing', () => {
    const schema = JSON.parse(eventJsonSchemas()['inventory.reserved.json']!);
    expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'version', 'occurred_at', 'correlation_id', 'causation_id', 'data']));
    expect(schema['x-eventbridge']).toEqual({ source: 'records.inventory', 'detail-type': 'inventory.reserved' });
    expect(schema.properties.type.enum).toEqual(['inventory.reserved']);
  });
});

describe('event rules', () => {
  it('declares the six consumers, each with its own queue declared in shared/events/queues.ts', () => {
    expect(eventRules.map((rule) => rule.consumer)).toEqual([
      'inventory-reserve',
      'payment-process',
      'order-finalize',
      'inventory-release',
      'order-status-projector',
      'notification-send',
    ]);
    expect(new Set(eventRules.map((rule) => rule.queue)).size).toBe(eventRules.length);
    for (const rule of eventRules) expect(queueDeclaration(rule.queue).maxReceiveCount).toBe(3);
  });

  it('builds each pattern from the sources and types it names', () => {
    expect(ruleFor('order-finalize').eventPattern).toEqual({
      source: ['records.inventory', 'records.payments'],
      'detail-type': ['inventory.reservation_failed', 'payment.succeeded', 'payment.failed'],
    });
    expect(ruleFor('inventory-release').eventPattern).toEqual({
      source: ['records.inventory', 'records.orders'],
      'detail-type': ['inventory.release_requested', 'order.completed'],
    });
    expect(() => ruleFor('nobody')).toThrow(/no event rule/);
  });
});
