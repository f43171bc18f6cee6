import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { abortableSleep } from './abortable-sleep.js';
import { batchOutcome } from './batch-item-failures.js';
import { sqsRecord } from './sqs-event.js';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** Records per invocation; above 10 needs a batching window (as in AWS). */
  batchSize: number;
  /** Seconds to keep gathering once the first record arrived. @default 0 */
  maximumBatchingWindowSeconds?: number;
  /** Honour `batchItemFailures` in the response (FunctionResponseTypes). @default true */
  reportBatchItemFailures?: boolean;
  /** Concurrent poll-and-invoke loops. @default 1 */
  concurrency?: number;
  /** Long-poll wait of each ReceiveMessage while nothing is gathered. @default 20 */
  waitTimeSeconds?: number;
  /** Invokes the function: usually `(event) => invoker.invoke(fn, event)`. */
  invoke: (event: SQSEvent) => Promise<unknown>;
  /** Told about failed invocations and poll errors (the local run logs them). */
  onError?: (error: unknown, detail: string) => void;
}

export interface SqsPoller {
  /** Stops polling and waits for invocations in flight. */
  stop(): Promise<void>;
}

/**
 * Emulates Lambda's SQS event source mapping: long-polls the queue, gathers up to `batchSize`
 * records (within the batching window), invokes with an SQSEvent, then deletes what
 * succeeded. Failed records are left alone: they reappear after the visibility timeout and
 * SQS moves them to the DLQ after maxReceiveCount receives. A thrown error or a timeout
 * fails the whole batch; with ReportBatchItemFailures only the listed records fail.
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  if (options.batchSize < 1 || options.batchSize > 10_000) throw new Error(`batchSize ${options.batchSize} is outside 1–10000`);
  if (options.batchSize > 10 && windowMs === 0) throw new Error('a batchSize above 10 needs maximumBatchingWindowSeconds ≥ 1 (as in AWS)');
  const abort = new AbortController();
  const report = options.onError ?? ((error, detail) => console.error(`sqs poller ${options.queueArn}: ${detail}`, error));
  const loops = Array.from({ length: options.concurrency ?? 1 }, () => pollLoop(options, windowMs, abort.signal, report));
  return {
    stop: async () => {
      abort.abort();
      await Promise.all(loops);
    },
  };
}

async function pollLoop(options: SqsPollerOptions, windowMs: number, signal: AbortSignal, report: NonNullable<SqsPollerOptions['onError']>) {
  while (!signal.aborted) {
    let batch: Message[];
    try {
      batch = await gather(options, windowMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      report(error, 'ReceiveMessage failed; retrying in 1 s');
      await abortableSleep(1000, signal);
      continue;
    }
    if (batch.length > 0) await invokeAndSettle(options, batch, report);
  }
}

/** One batch: the first receive long-polls, later ones fill the batch until the window closes. */
async function gather(options: SqsPollerOptions, windowMs: number, signal: AbortSignal): Promise<Message[]> {
  const batch: Message[] = [];
  let closesAt = Infinity;
  while (batch.length < options.batchSize && !signal.aborted) {
    const remainingMs = closesAt - Date.now();
    if (remainingMs <= 0) break;
    // Whole seconds only: never wait past the window, short-poll in its last second.
    const waitTimeSeconds = batch.length === 0 ? (options.waitTimeSeconds ?? 20) : Math.min(20, Math.floor(remainingMs / 1000));
    const received = await receive(options, Math.min(10, options.batchSize - batch.length), waitTimeSeconds, signal);
    if (received.length > 0 && batch.length === 0) closesAt = Date.now() + windowMs;
    batch.push(...received);
    if (windowMs === 0 && batch.length > 0) break;
    if (received.length === 0 && batch.length > 0 && waitTimeSeconds === 0) await abortableSleep(Math.min(100, Math.max(0, closesAt - Date.now())), signal);
  }
  return batch;
}

async function receive(options: SqsPollerOptions, max: number, waitTimeSeconds: number, signal: AbortSignal): Promise<Message[]> {
  const out = await options.client.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
    { abortSignal: signal },
  );
  return out.Messages ?? [];
}

async function invokeAndSettle(options: SqsPollerOptions, batch: Message[], report: NonNullable<SqsPollerOptions['onError']>) {
  const event: SQSEvent = { Records: batch.map((message) => sqsRecord(message, { queueArn: options.queueArn, region: options.region })) };
  let response: unknown;
  try {
    response = await options.invoke(event);
  } catch (error) {
    report(error, `invocation failed; ${batch.length} record(s) return after the visibility timeout`);
    return;
  }
  let done = batch;
  if (options.reportBatchItemFailures !== false) {
    const outcome = batchOutcome(
      response,
      batch.map((message) => message.MessageId!),
    );
    if (outcome.kind === 'failure') {
      report(new Error(outcome.reason), `invalid batch response; all ${batch.length} record(s) return after the visibility timeout`);
      return;
    }
    if (outcome.kind === 'partial') {
      const failed = new Set(outcome.failed);
      done = batch.filter((message) => !failed.has(message.MessageId!));
    }
  }
  await deleteMessages(options, done, report);
}

async function deleteMessages(options: SqsPollerOptions, messages: Message[], report: NonNullable<SqsPollerOptions['onError']>) {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    try {
      const out = await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
      // A record not deleted is received again: at least once, as in AWS.
      for (const failed of out.Failed ?? []) report(new Error(failed.Message), `could not delete a processed record (${failed.Code})`);
    } catch (error) {
      report(error, `DeleteMessageBatch failed; ${chunk.length} processed record(s) will be delivered again`);
    }
  }
}
