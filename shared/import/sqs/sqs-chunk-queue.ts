import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { fullJitter } from '../../resilience/full-jitter.js';
import type { ChunkMessage, ChunkQueue } from '../jobs/import-chunk.js';

/** SendMessageBatch takes 10 entries. */
const BATCH = 10;
/** Rounds of per-entry failures resent before giving up (the job's invocation is then retried). */
const ROUNDS = 5;

/**
 * The chunk queue over SQS: SendMessageBatch, 10 per call, per-entry failures resent with full
 * jitter. A message sent twice is harmless (a chunk that ended is not run again).
 */
export function sqsChunkQueue(client: SQSClient, queueUrl: string): ChunkQueue {
  return {
    async send(messages) {
      for (let offset = 0; offset < messages.length; offset += BATCH) {
        let pending = messages
          .slice(offset, offset + BATCH)
          .map((message: ChunkMessage) => ({ Id: `c${message.chunk}`, MessageBody: JSON.stringify(message) }));
        for (let round = 1; pending.length > 0; round++) {
          const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
          const failed = new Set((out.Failed ?? []).map((entry) => entry.Id));
          pending = pending.filter((entry) => failed.has(entry.Id));
          if (pending.length === 0) break;
          if (round >= ROUNDS)
            throw new Error(
              `import-chunks: ${pending.length} message(s) not accepted: ${(out.Failed ?? []).map((entry) => entry.Message ?? entry.Code).join('; ')}`,
            );
          await fullJitter(round, { baseMs: 100, capMs: 2_000 });
        }
      }
    },
  };
}
