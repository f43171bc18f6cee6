import { randomUUID } from 'node:crypto';
import { type EventData, type EventEnvelope, type EventType, eventCatalog } from '../../events/catalog.js';
import type { EventOrigin } from './event-origin.js';

/**
 * The envelope of one domain event, validated against the catalog's schema here, so a row the
 * outbox publisher would skip as unpublishable can never be committed.
 */
export function eventEnvelope<Type extends EventType>(
  type: Type,
  data: EventData<Type>,
  origin: EventOrigin,
  at: Date,
  id: string = randomUUID(),
): EventEnvelope<Type> {
  const entry = eventCatalog[type];
  return entry.envelope.parse({
    id,
    type,
    version: entry.version,
    occurred_at: at.toISOString(),
    correlation_id: origin.correlationId,
    causation_id: origin.causationId,
    data,
  }) as EventEnvelope<Type>;
}
