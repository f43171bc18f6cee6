import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { abortableSleep } from './abortable-sleep.js';
import { batchOutcome } from './batch-item-failures.js';
import { dynamoDbRecord } from './dynamodb-stream-event.js';
import { memoryCheckpoints, type ShardCheckpoint, type StreamCheckpointStore } from './stream-checkpoints.js';

export interface DynamoDbStreamPollerOptions {
  /** Same endpoint, region and credentials as the writers (DynamoDB Local keys data by them). */
  client: DynamoDBStreamsClient;
  streamArn: string;
  /** The region events report (`awsRegion`). */
  region: string;
  /** Where a new mapping starts; later starts resume from the checkpoints. */
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** Records per invocation. @default 100 */
  batchSize?: number;
  /** Seconds to keep gathering once a record arrived. @default 0 */
  maximumBatchingWindowSeconds?: number;
  /** Honour `batchItemFailures` (sequence numbers). @default true */
  reportBatchItemFailures?: boolean;
  /** After a thrown error, retry with half the batch. @default false */
  bisectBatchOnFunctionError?: boolean;
  /** Retries before a failing batch is skipped; -1 retries until it succeeds (AWS default). @default -1 */
  maximumRetryAttempts?: number;
  /** @default 1000 */
  retryDelayMs?: number;
  /** Pause between GetRecords calls on an idle shard (Lambda polls 4×/s). @default 250 */
  pollIntervalMs?: number;
  /** @default memoryCheckpoints() */
  checkpoints?: StreamCheckpointStore;
  invoke: (event: DynamoDBStreamEvent) => Promise<unknown>;
  onError?: (error: unknown, detail: string) => void;
}

export interface DynamoDbStreamPoller {
  /** Resolves once the starting position is fixed (a LATEST start ignores records written before). */
  readonly ready: Promise<void>;
  /** Settles when the poller stops: resolves after stop(), rejects if a checkpoint could not be written. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Checkpoint writes failing means the consumer cannot go on safely: it stops, as a crash would. */
export class CheckpointWriteError extends Error {}

/**
 * Emulates Lambda's DynamoDB Streams event source mapping: reads every shard in order (a
 * child only after its parent is finished), invokes with DynamoDBStreamEvent batches and
 * writes the shard's checkpoint only after the invocation succeeded (at least once). A
 * thrown error retries the batch (halved with bisect); reported failures retry from the
 * lowest failed sequence number, the records before it being checkpointed.
 */
export function startDynamoDbStreamPoller(options: DynamoDbStreamPollerOptions): DynamoDbStreamPoller {
  const stopping = new AbortController();
  const report = options.onError ?? ((error, detail) => console.error(`stream poller ${options.streamArn}: ${detail}`, error));
  const store = options.checkpoints ?? memoryCheckpoints();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = run(options, store, stopping, report, markReady);
  done.catch(() => markReady());
  return {
    ready,
    done,
    stop: async () => {
      stopping.abort();
      await done.catch(() => undefined);
    },
  };
}

async function run(options: DynamoDbStreamPollerOptions, store: StreamCheckpointStore, stopping: AbortController, report: Report, markReady: () => void) {
  const signal = stopping.signal;
  const checkpoints = (await store.read(options.streamArn)) ?? (await initialise(options, store));
  markReady();
  const running = new Map<string, Promise<void>>();
  let fatal: unknown;
  while (!signal.aborted) {
    let shards: Shard[] = [];
    try {
      shards = await describeShards(options);
    } catch (error) {
      report(error, 'DescribeStream failed; retrying');
    }
    for (const shard of shards) {
      const id = shard.ShardId!;
      const parent = shard.ParentShardId;
      const parentPending = parent !== undefined && shards.some((s) => s.ShardId === parent) && !checkpoints[parent]?.finished;
      if (running.has(id) || checkpoints[id]?.finished || parentPending) continue;
      const shardRun = readShard(options, store, id, checkpoints, signal, report).then(
        () => void running.delete(id),
        (error) => {
          running.delete(id);
          if (error instanceof CheckpointWriteError) {
            fatal ??= error;
            stopping.abort();
          } else report(error, `reading ${id} failed; retrying`);
        },
      );
      running.set(id, shardRun);
    }
    await abortableSleep(1000, signal);
  }
  await Promise.all(running.values());
  if (fatal !== undefined) throw fatal;
}

/** First start: TRIM_HORIZON reads everything; LATEST checkpoints each open shard at its tip. */
async function initialise(options: DynamoDbStreamPollerOptions, store: StreamCheckpointStore): Promise<Record<string, ShardCheckpoint>> {
  const checkpoints: Record<string, ShardCheckpoint> = {};
  for (const shard of await describeShards(options)) {
    const id = shard.ShardId!;
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    checkpoints[id] = options.startingPosition === 'TRIM_HORIZON' ? {} : closed ? { finished: true } : { after: await tipOf(options, id) };
    if (checkpoints[id].after === undefined) delete checkpoints[id].after;
    await store.write(options.streamArn, id, checkpoints[id]);
  }
  return checkpoints;
}

async function tipOf(options: DynamoDbStreamPollerOptions, shardId: string): Promise<string | undefined> {
  let iterator = await iteratorFor(options, shardId, {});
  let last: string | undefined;
  while (iterator) {
    const out = await options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    if (!out.Records?.length) break;
    last = out.Records.at(-1)!.dynamodb!.SequenceNumber;
    iterator = out.NextShardIterator;
  }
  return last;
}

async function readShard(
  options: DynamoDbStreamPollerOptions,
  store: StreamCheckpointStore,
  shardId: string,
  checkpoints: Record<string, ShardCheckpoint>,
  signal: AbortSignal,
  report: Report,
): Promise<void> {
  const batchSize = options.batchSize ?? 100;
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  const save = async (checkpoint: ShardCheckpoint) => {
    try {
      await store.write(options.streamArn, shardId, checkpoint);
    } catch (error) {
      throw new CheckpointWriteError(`checkpoint of ${shardId} not written: ${(error as Error).message}`, { cause: error });
    }
    checkpoints[shardId] = checkpoint;
  };
  let iterator: string | undefined = await iteratorFor(options, shardId, checkpoints[shardId] ?? {}, report);
  let buffer: StreamsRecord[] = [];
  let closesAt = Infinity;
  while (!signal.aborted) {
    let out: GetRecordsCommandOutput;
    try {
      out = await options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(1000, batchSize - buffer.length) }));
    } catch (error) {
      if (signal.aborted) return;
      // An expired iterator (or a restarted DynamoDB Local) resumes from the last checkpoint.
      if (!(error instanceof ExpiredIteratorException)) report(error, `GetRecords on ${shardId} failed; resuming from the checkpoint`);
      await abortableSleep(options.retryDelayMs ?? 1000, signal);
      buffer = [];
      closesAt = Infinity;
      iterator = await iteratorFor(options, shardId, checkpoints[shardId] ?? {}, report).catch(() => iterator);
      continue;
    }
    const records = out.Records ?? [];
    if (records.length > 0 && buffer.length === 0) closesAt = Date.now() + windowMs;
    buffer.push(...records);
    iterator = out.NextShardIterator;
    const shardEnded = iterator === undefined;
    if (buffer.length > 0 && (buffer.length >= batchSize || Date.now() >= closesAt || shardEnded)) {
      const delivered = await deliver(options, buffer, save, signal, report);
      if (!delivered) return;
      buffer = [];
      closesAt = Infinity;
    }
    if (shardEnded) {
      await save({ ...checkpoints[shardId], finished: true });
      return;
    }
    if (records.length === 0) await abortableSleep(Math.min(options.pollIntervalMs ?? 250, Math.max(0, closesAt - Date.now())), signal);
  }
}

/** Invokes until every record is done (succeeded or skipped after the retries); false if stopped first. */
async function deliver(
  options: DynamoDbStreamPollerOptions,
  records: StreamsRecord[],
  save: (checkpoint: ShardCheckpoint) => Promise<void>,
  signal: AbortSignal,
  report: Report,
): Promise<boolean> {
  const maxRetries = options.maximumRetryAttempts ?? -1;
  let pending = records;
  let size = pending.length;
  let attempts = 0;
  while (pending.length > 0) {
    if (signal.aborted) return false;
    const batch = pending.slice(0, size);
    const sequences = batch.map((record) => record.dynamodb!.SequenceNumber!);
    let failedAt = 0;
    let thrown = false;
    try {
      const response = await options.invoke({ Records: batch.map((record) => dynamoDbRecord(record, options)) });
      const outcome = options.reportBatchItemFailures === false ? ({ kind: 'success' } as const) : batchOutcome(response, sequences);
      if (outcome.kind === 'success') failedAt = batch.length;
      else if (outcome.kind === 'partial') failedAt = Math.min(...outcome.failed.map((sequence) => sequences.indexOf(sequence)));
      else report(new Error(outcome.reason), 'invalid batch response; retrying the whole batch');
    } catch (error) {
      thrown = true;
      report(error, `invocation failed on ${batch.length} record(s)`);
    }
    if (failedAt > 0) {
      await save({ after: sequences[failedAt - 1] });
      pending = pending.slice(failedAt);
      if (failedAt === batch.length) {
        attempts = 0;
        size = pending.length;
        continue;
      }
    }
    attempts += 1;
    if (maxRetries >= 0 && attempts > maxRetries) {
      const skipped = batch.slice(failedAt);
      report(new Error('retries exhausted'), `skipping ${skipped.length} record(s) up to ${skipped.at(-1)!.dynamodb!.SequenceNumber}`);
      await save({ after: skipped.at(-1)!.dynamodb!.SequenceNumber });
      pending = pending.slice(skipped.length);
      attempts = 0;
      size = pending.length;
      continue;
    }
    if (thrown && options.bisectBatchOnFunctionError && batch.length > 1) size = Math.ceil(batch.length / 2);
    else size = Math.max(1, Math.min(size, pending.length));
    await abortableSleep(options.retryDelayMs ?? 1000, signal);
  }
  return true;
}

async function iteratorFor(options: DynamoDbStreamPollerOptions, shardId: string, checkpoint: ShardCheckpoint, report?: Report): Promise<string | undefined> {
  const get = (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER') =>
    options.client.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: checkpoint.after } : {}),
      }),
    );
  if (checkpoint.after === undefined) return (await get('TRIM_HORIZON')).ShardIterator;
  try {
    return (await get('AFTER_SEQUENCE_NUMBER')).ShardIterator;
  } catch (error) {
    if (!(error instanceof TrimmedDataAccessException)) throw error;
    report?.(error, `checkpoint ${checkpoint.after} of ${shardId} is past the retention; reading from the oldest record`);
    return (await get('TRIM_HORIZON')).ShardIterator;
  }
}

async function describeShards(options: DynamoDbStreamPollerOptions): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const out = await options.client.send(new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: start }));
    shards.push(...(out.StreamDescription?.Shards ?? []));
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

type Report = (error: unknown, detail: string) => void;
