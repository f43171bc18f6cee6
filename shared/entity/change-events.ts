import type { DomainEvent, EventData, EventType } from '../../events/catalog.js';
import { eventEnvelope } from '../events/event-envelope.js';
import type { EventOrigin } from '../events/event-origin.js';
import { randomUUID } from 'node:crypto';
import type { StoredItem } from '../store/entity-store.js';
import type { Entity } from './define-entity.js';

/** A write outside any request (a script, a test): the event starts its own flow. */
const ownOrigin = (): EventOrigin => ({ correlationId: randomUUID(), causationId: null });

/**
 * The change events of one write of `entity`, for the store to commit in the write's own
 * transaction: none when the entity declares no `events`. Envelopes are validated here
 * (eventEnvelope), so a change whose event could never be published fails before it commits.
 */
export function changeEvents(entity: Entity) {
  const declared = entity.events;
  const envelope = (type: EventType, data: Record<string, unknown>, origin: EventOrigin | undefined, at: string): DomainEvent[] => [
    eventEnvelope(type, data as EventData<EventType>, origin ?? ownOrigin(), new Date(at)),
  ];
  const idOf = (item: StoredItem) => String(item[entity.idField]);
  return {
    created(item: StoredItem, origin?: EventOrigin): DomainEvent[] | undefined {
      return declared && envelope(declared.created, { id: idOf(item), item }, origin, item.created_at);
    },
    updated(next: StoredItem, previous: StoredItem, origin?: EventOrigin): DomainEvent[] | undefined {
      const changed = Object.keys(next).filter((field) => !isSystemField(field) && JSON.stringify(next[field]) !== JSON.stringify(previous[field]));
      return declared && envelope(declared.updated, { id: idOf(next), item: next, changed }, origin, next.updated_at);
    },
    deleted(previous: StoredItem, at: Date, origin?: EventOrigin): DomainEvent[] | undefined {
      return declared && envelope(declared.deleted, { id: idOf(previous), version: previous.version }, origin, at.toISOString());
    },
  };
}

const isSystemField = (field: string) => field === 'created_at' || field === 'updated_at' || field === 'version';
