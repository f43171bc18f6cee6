import { randomUUID } from 'node:crypto';
import { validationError } from './event-bus-api-error.js';

/** The event as EventBridge hands it to targets. */
export interface DeliveredEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** A PutEvents request entry as it arrives on the wire (AWS JSON 1.1: Time in epoch seconds). */
export interface WireEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
  Time?: unknown;
  EventBusName?: unknown;
  TraceHeader?: unknown;
}

export type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** PutEvents accepts at most this many bytes of entries per request (AWS: 256 KB). */
export const MAX_ENTRIES_BYTES = 256 * 1024;
export const MAX_ENTRIES = 10;

const utf8 = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/**
 * An entry's size the way EventBridge counts it (eb-putevent-size): 14 bytes for a Time, the
 * UTF-8 bytes of Source, DetailType, Detail and of each resource ARN.
 */
export function entrySize(entry: WireEntry): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : 14;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += utf8(resource);
  return size;
}

/** The request-level checks AWS applies before looking at any entry. */
export function checkPutEventsRequest(entries: unknown, maxBytes = MAX_ENTRIES_BYTES): WireEntry[] {
  if (!Array.isArray(entries)) {
    throw validationError("1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
  }
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    const bound = entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`;
    throw validationError(
      `1 validation error detected: Value '[${entries.length} entries]' at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const total = entries.reduce((sum: number, entry) => sum + entrySize(entry as WireEntry), 0);
  if (total > maxBytes) throw validationError('Total size of the entries in the request is over the limit.');
  return entries as WireEntry[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (parameter: string, reason: string) => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
});

/** EventBridge's time format: ISO 8601 to the second. */
function eventTime(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * One entry → the event to route, or the per-entry error PutEvents reports for it (the call
 * itself still succeeds, with FailedEntryCount).
 */
export function toDeliveredEvent(
  entry: WireEntry,
  where: { account: string; region: string; now: () => number },
): { event: DeliveredEvent } | { error: { ErrorCode: string; ErrorMessage: string } } {
  if (typeof entry.Source !== 'string' || entry.Source === '') return { error: invalid('Source', 'Source is a required argument.') };
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return { error: invalid('DetailType', 'DetailType is a required argument.') };
  if (typeof entry.Detail !== 'string' || entry.Detail === '') return { error: invalid('Detail', 'Detail is a required argument.') };
  if (entry.Source.startsWith('aws.')) return { error: { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' } };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    detail = undefined;
  }
  if (!isObject(detail)) return { error: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
    return { error: invalid('Resources', 'Resources must be a list of strings.') };
  }
  const seconds = typeof entry.Time === 'number' ? entry.Time : where.now() / 1000;
  return {
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: where.account,
      time: eventTime(seconds),
      region: where.region,
      resources: resources as string[],
      detail,
    },
  };
}
