import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type DomainEvent, domainEvent } from '../../events/catalog.js';
import { PUT_EVENTS_MAX_BYTES, type PutEventsEntry, putEventsEntrySize, toPutEventsEntry } from '../../events/put-events-entry.js';
import { logger } from '../powertools/logger.js';
import { fullJitter } from '../resilience/full-jitter.js';

/** PutEvents accepts at most 10 entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface OutboxPublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Attempts per entry (first call included) before it is reported as a batch item failure. @default 4 */
  maxAttempts?: number;
  /** Longest wait before the first retry in ms (full jitter, doubled per attempt). @default 100 */
  baseDelayMs?: number;
}

interface Pending {
  sequenceNumber: string;
  entry: PutEventsEntry;
  bytes: number;
}

/**
 * Publishes the `event` envelope of every INSERTed outbox row (stream NEW_IMAGE) with PutEvents
 * in chunks of ≤10 entries and ≤256 KB, retries per-entry failures with full-jitter backoff and reports what still
 * failed as batchItemFailures, so the mapping retries from there: nothing is lost, duplicates
 * (after a crash between PutEvents and the checkpoint) are possible; consumers dedupe on `id`.
 */
export async function publishOutbox(event: DynamoDBStreamEvent, options: OutboxPublisherOptions): Promise<DynamoDBBatchResponse> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const pending: Pending[] = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const sequenceNumber = record.dynamodb.SequenceNumber!;
    const envelope = envelopeOf(unmarshall(record.dynamodb.NewImage as never), sequenceNumber);
    if (!envelope) continue;
    const entry = toPutEventsEntry(envelope, options.eventBusName);
    const bytes = putEventsEntrySize(entry);
    if (bytes > PUT_EVENTS_MAX_BYTES) {
      // outboxRecord() refuses such events; a row written another way would fail every PutEvents forever.
      logger.error('outbox event exceeds the PutEvents entry limit; skipped', { id: envelope.id, type: envelope.type, bytes, sequenceNumber });
      continue;
    }
    pending.push({ sequenceNumber, entry, bytes });
  }
  let remaining = pending;
  for (let attempt = 1; attempt <= maxAttempts && remaining.length > 0; attempt++) {
    if (attempt > 1) await fullJitter(attempt - 1, { baseMs: baseDelayMs });
    const failed: Pending[] = [];
    for (const chunk of putEventsChunks(remaining)) {
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

/**
 * Consecutive chunks of ≤10 entries and ≤256 KB together: PutEvents refuses a whole request
 * over either limit (ten 30 KB events are 300 KB: two calls, not one).
 */
function putEventsChunks(items: readonly Pending[]): Pending[][] {
  const chunks: Pending[][] = [];
  let chunk: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (chunk.length === PUT_EVENTS_MAX_ENTRIES || bytes + item.bytes > PUT_EVENTS_MAX_BYTES) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += item.bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * The row's envelope, or undefined for a row that can never be published (not JSON, or not a
 * valid event). Such a row is logged and skipped: retrying it would block its stream shard
 * until the 24 h stream retention dropped every later event behind it.
 */
function envelopeOf(row: Record<string, unknown>, sequenceNumber: string): DomainEvent | undefined {
  let raw: unknown = row.event;
  try {
    if (typeof raw === 'string') raw = JSON.parse(raw);
  } catch {
    raw = undefined;
  }
  const parsed = domainEvent.safeParse(raw);
  if (parsed.success) return parsed.data;
  logger.error('outbox row is not a publishable event; skipped', { pk: row.pk, sequenceNumber, issues: parsed.error.issues.slice(0, 5) });
  return undefined;
}
