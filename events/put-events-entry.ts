import { type DomainEvent, eventCatalog } from './catalog.js';

/** The name of the custom bus, locally and in AWS. */
export const EVENT_BUS_NAME = 'records-platform';

/** A PutEvents request entry (the SDK's `PutEventsRequestEntry`, without importing the SDK). */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Time: Date;
  Resources?: string[];
}

/**
 * The PutEvents entry of one envelope: source from the catalog, detail-type = type, the whole
 * envelope as detail, the event time = `occurred_at` (EventBridge keeps second precision).
 */
export function toPutEventsEntry(event: DomainEvent, eventBusName: string = EVENT_BUS_NAME): PutEventsEntry {
  return {
    Source: eventCatalog[event.type].source,
    DetailType: event.type,
    Detail: JSON.stringify(event),
    EventBusName: eventBusName,
    Time: new Date(event.occurred_at),
  };
}

/** EventBridge refuses an entry, and a whole PutEvents request, whose entries total more than 256 KB. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** An entry's size as EventBridge counts it: 14 bytes for Time, the UTF-8 bytes of Source, DetailType, Detail and Resources. */
export function putEventsEntrySize(entry: PutEventsEntry): number {
  const utf8 = (value: string) => Buffer.byteLength(value, 'utf8');
  return 14 + utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail) + (entry.Resources ?? []).reduce((sum, arn) => sum + utf8(arn), 0);
}
