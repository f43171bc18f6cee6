import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { fullJitter } from '../../resilience/full-jitter.js';
import { budgetedCallOptions } from '../../runtime/request-budget.js';
import { translateDynamoError } from './dynamodb-errors.js';

/** BatchGetItem reads at most 100 keys, BatchWriteItem writes at most 25 items. */
const GET_BATCH = 100;
const WRITE_BATCH = 25;
/** Rounds of UnprocessedKeys/UnprocessedItems before answering 503. */
const MAX_ROUNDS = 10;

type Key = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

/** Rounds wait up to 50, 100, 200 … ms, capped at 2 s. */
const ROUND_BACKOFF = { baseMs: 50, capMs: 2_000 };

async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    return translateDynamoError(error);
  }
}

/**
 * Reads every key (any number; 100 per call, calls in parallel), retrying UnprocessedKeys
 * with backoff. Records come back in no particular order; missing keys are simply absent.
 */
export async function batchGet(
  client: DynamoDBDocumentClient,
  table: string,
  keys: Key[],
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < keys.length; i += GET_BATCH) chunks.push(keys.slice(i, i + GET_BATCH));
  const results = await Promise.all(
    chunks.map(async (chunk) => {
      const records: Record<string, unknown>[] = [];
      let pending: Key[] = chunk;
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new DependencyUnavailableError('DynamoDB', 1);
        if (round > 0) await fullJitter(round, ROUND_BACKOFF);
        const request = {
          Keys: pending,
          ConsistentRead: options.consistent,
          ...(options.projection ? { ProjectionExpression: options.projection, ExpressionAttributeNames: options.names } : {}),
        };
        const out = await send(() => client.send(new BatchGetCommand({ RequestItems: { [table]: request } }), budgetedCallOptions()));
        records.push(...((out.Responses?.[table] ?? []) as Record<string, unknown>[]));
        pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
      }
      return records;
    }),
  );
  return results.flat();
}

/**
 * Writes every request, 25 per BatchWriteItem, `concurrency` calls in flight; whatever DynamoDB
 * leaves unprocessed (throttling) is resent after a full-jitter backoff. `onRound` hears of each
 * call that returned (what was sent, what came back unprocessed): a caller whose write fails
 * after some rounds can tell which items are stored.
 */
export async function batchWrite(
  client: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  concurrency = 4,
  onRound?: (sent: WriteRequest[], unprocessed: WriteRequest[]) => void,
): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < requests.length) {
      let pending = requests.slice(next, (next += WRITE_BATCH));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= MAX_ROUNDS) throw new DependencyUnavailableError('DynamoDB', 1);
        if (round > 0) await fullJitter(round, ROUND_BACKOFF);
        const out = await send(() => client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }), budgetedCallOptions()));
        const unprocessed = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
        onRound?.(pending, unprocessed);
        pending = unprocessed;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, writer));
}
