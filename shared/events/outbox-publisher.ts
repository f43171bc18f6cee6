import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { DomainEvent } from '../../events/catalog.js';
import { type PutEventsEntry, toPutEventsEntry } from '../../events/put-events-entry.js';

/** PutEvents accepts at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface OutboxPublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Attempts per entry (first call included) before it is reported as a batch item failure. @default 4 */
  maxAttempts?: number;
  /** Base backoff in ms, doubled per attempt. @default 100 */
  baseDelayMs?: number;
}

interface Pending {
  sequenceNumber: string;
  entry: PutEventsEntry;
}

/**
 * Publishes the `event` envelope of every INSERTed outbox row (stream NEW_IMAGE) with PutEvents
 * in chunks of ≤10, retries per-entry failures with exponential backoff and reports what still
 * failed as batchItemFailures, so the mapping retries from there: nothing is lost, duplicates
 * (after a crash between PutEvents and the checkpoint) are possible; consumers dedupe on `id`.
 */
export async function publishOutbox(event: DynamoDBStreamEvent, options: OutboxPublisherOptions): Promise<DynamoDBBatchResponse> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const pending: Pending[] = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const row = unmarshall(record.dynamodb.NewImage as never) as { event?: string | DomainEvent };
    if (!row.event) continue;
    const envelope = (typeof row.event === 'string' ? JSON.parse(row.event) : row.event) as DomainEvent;
    pending.push({ sequenceNumber: record.dynamodb.SequenceNumber!, entry: toPutEventsEntry(envelope, options.eventBusName) });
  }
  let remaining = pending;
  for (let attempt = 1; attempt <= maxAttempts && remaining.length > 0; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** (attempt - 2)));
    const failed: Pending[] = [];
    for (let start = 0; start < remaining.length; start += PUT_EVENTS_MAX_ENTRIES) {
      const chunk = remaining.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
      try {
        const result = await options.client.send(new PutEventsCommand({ Entries: chunk.map((item) => item.entry) }));
        if ((result.FailedEntryCount ?? 0) === 0) continue;
        (result.Entries ?? []).forEach((entry, index) => {
          if (entry.ErrorCode || !entry.EventId) failed.push(chunk[index]!);
        });
      } catch {
        failed.push(...chunk);
      }
    }
    remaining = failed;
  }
  return { batchItemFailures: remaining.map((item) => ({ itemIdentifier: item.sequenceNumber })) };
}
