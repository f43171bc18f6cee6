import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChunkClaim, ChunkRange, FanOutPlan, ImportChunk, ImportChunkStore } from '../../import/jobs/import-chunk.js';
import { FAN_OUT_OWNER } from '../../import/jobs/import-chunk.js';
import type { CountedDelta, JobProgress } from '../../import/jobs/import-job.js';
import type { ImportCheckpoint } from '../../import/run-import.js';
import { batchGet } from './batch-io.js';
import { counterDeltaUpdates } from './counter-delta.js';
import { translateDynamoError } from './dynamodb-errors.js';
import type { CounterTable } from './dynamodb-import-job-store.js';
import { LeaseLostError } from './dynamodb-import-job-store.js';
import { PK } from './table-design.js';
import { cancellationReasons, type TransactItems, transactWrite } from './transact-write.js';

const MAX_TRANSACTION_ITEMS = 100;

/** A fanned-out job holds no worker lease: its lease is "until the last chunk ends it". */
const FOREVER = Number.MAX_SAFE_INTEGER;

/** The key of chunk `index` of a job: beside the job item, outside the `recent` index (no `_p_all`). */
export function chunkKey(jobId: string, index: number): string {
  return `${jobId}#chunk#${String(index).padStart(4, '0')}`;
}

/**
 * DynamoDB adapter of import chunks: one item per chunk in the jobs table, written with the
 * same lease + checkpoint conditions as a job. A chunk's end and the job's `chunks_done`
 * increment are one transaction, so the counter moves exactly once per chunk however often
 * its message is delivered.
 */
export class DynamoDbImportChunkStore implements ImportChunkStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly counters: (entity: string) => CounterTable,
  ) {}

  async plan(jobId: string, owner: string, plan: FanOutPlan, chunks: readonly ChunkRange[]): Promise<void> {
    await Promise.all(
      chunks.map(async (range, index) => {
        const chunk: ImportChunk = { import_id: jobId, index, ...range, status: 'pending', checkpoint_row: 0, rows_processed: 0, bytes_processed: 0 };
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { [PK]: chunkKey(jobId, index), ...chunk },
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PK },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) translateDynamoError(error);
        }
      }),
    );
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: jobId },
          UpdateExpression: 'SET fan_out = :plan, chunks_done = if_not_exists(chunks_done, :zero), lease_owner = :fanOut, lease_until = :forever',
          ConditionExpression: '#status = :running AND (lease_owner = :owner OR lease_owner = :fanOut)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':plan': plan, ':zero': 0, ':fanOut': FAN_OUT_OWNER, ':forever': FOREVER, ':running': 'running', ':owner': owner },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(jobId);
      translateDynamoError(error);
    }
  }

  async claim(jobId: string, index: number, owner: string, leaseMs: number, now: Date): Promise<ChunkClaim> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: chunkKey(jobId, index) },
          UpdateExpression: 'SET #status = :running, lease_owner = :owner, lease_until = :until',
          ConditionExpression: 'attribute_exists(#pk) AND (#status = :pending OR (#status = :running AND lease_until < :now))',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':pending': 'pending',
            ':owner': owner,
            ':until': now.getTime() + leaseMs,
            ':now': now.getTime(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'claimed', chunk: chunkOf(out.Attributes!) };
    } catch (error) {
      if (!isConditionFailure(error)) return translateDynamoError(error);
    }
    const out = await this.client
      .send(new GetCommand({ TableName: this.tableName, Key: { [PK]: chunkKey(jobId, index) }, ConsistentRead: true }))
      .catch(translateDynamoError);
    if (!out.Item) return { kind: 'missing' };
    const chunk = chunkOf(out.Item);
    return chunk.status === 'done' || chunk.status === 'failed' ? { kind: 'ended', chunk } : { kind: 'busy', chunk };
  }

  async checkpoint(
    jobId: string,
    index: number,
    owner: string,
    previousRow: number,
    checkpoint: ImportCheckpoint,
    progress: JobProgress,
    counted: CountedDelta,
    leaseUntil: number,
  ): Promise<void> {
    await this.transact(jobId, index, counted, [
      {
        Update: {
          TableName: this.tableName,
          Key: { [PK]: chunkKey(jobId, index) },
          UpdateExpression: 'SET checkpoint_row = :row, #cp = :cp, rows_processed = :rows, bytes_processed = :bytes, lease_until = :until',
          ConditionExpression: 'checkpoint_row = :prev AND lease_owner = :owner AND #status = :running',
          ExpressionAttributeNames: { '#cp': 'checkpoint', '#status': 'status' },
          ExpressionAttributeValues: {
            ':row': checkpoint.position.row,
            ':cp': checkpoint,
            ':rows': progress.rows_processed,
            ':bytes': progress.bytes_processed,
            ':until': leaseUntil,
            ':prev': previousRow,
            ':owner': owner,
            ':running': 'running',
          },
        },
      },
    ]);
  }

  async end(
    jobId: string,
    index: number,
    owner: string,
    status: 'done' | 'failed',
    progress: JobProgress,
    counted: CountedDelta,
    message: string | null,
    reportSegment?: string,
  ): Promise<void> {
    const s = progress.summary;
    await this.transact(jobId, index, counted, [
      {
        Update: {
          TableName: this.tableName,
          Key: { [PK]: chunkKey(jobId, index) },
          UpdateExpression: `SET #status = :status, summary = :summary, rows_processed = :rows, bytes_processed = :bytes, message = :message, lease_until = :zero${reportSegment ? ', report_segment = :segment' : ''}`,
          ConditionExpression: 'lease_owner = :owner AND #status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':summary': s,
            ':rows': progress.rows_processed,
            ':bytes': progress.bytes_processed,
            ':message': message,
            ':zero': 0,
            ':owner': owner,
            ':running': 'running',
            ...(reportSegment ? { ':segment': reportSegment } : {}),
          },
        },
      },
      {
        // The job's progress moves with each chunk: GET shows rows and counts while the rest run.
        Update: {
          TableName: this.tableName,
          Key: { [PK]: jobId },
          UpdateExpression: 'ADD chunks_done :one, rows_processed :rows, bytes_processed :bytes, created :c, updated :u, skipped :s, #errors :e, warnings :w',
          ConditionExpression: '#status = :running AND lease_owner = :fanOut',
          ExpressionAttributeNames: { '#status': 'status', '#errors': 'errors' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':rows': progress.rows_processed,
            ':bytes': progress.bytes_processed,
            ':c': s.created,
            ':u': s.updated,
            ':s': s.skipped,
            ':e': s.errors,
            ':w': s.warnings,
            ':running': 'running',
            ':fanOut': FAN_OUT_OWNER,
          },
        },
      },
    ]);
  }

  async release(jobId: string, index: number, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: chunkKey(jobId, index) },
          UpdateExpression: 'SET lease_until = :zero',
          ConditionExpression: 'lease_owner = :owner',
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) translateDynamoError(error);
    }
  }

  async list(jobId: string, chunks: number): Promise<ImportChunk[]> {
    const records = await batchGet(
      this.client,
      this.tableName,
      Array.from({ length: chunks }, (_, index) => ({ [PK]: chunkKey(jobId, index) })),
      { consistent: true },
    );
    return records.map(chunkOf).sort((a, b) => a.index - b.index);
  }

  /** The chunk writes and the counter moves they account for, in one transaction (conflicts on the job item retried). */
  private async transact(jobId: string, index: number, counted: CountedDelta, items: TransactItems): Promise<void> {
    const table = this.counters(counted.entity);
    const updates = counterDeltaUpdates(table.design, table.tableName, counted.delta, chunkKey(jobId, index));
    // A delta wider than one transaction (over ~98 filter values since the last checkpoint):
    // the overflow goes first, on its own, as the job store does.
    while (updates.length > MAX_TRANSACTION_ITEMS - items.length) {
      const overflow = updates.splice(MAX_TRANSACTION_ITEMS - items.length, MAX_TRANSACTION_ITEMS);
      await transactWrite(
        this.client,
        overflow.map((update) => ({ Update: update })),
      ).catch(translateDynamoError);
    }
    try {
      await transactWrite(this.client, [...items, ...updates.map((update) => ({ Update: update }))]);
    } catch (error) {
      if (cancellationReasons(error)?.some((reason) => reason.Code === 'ConditionalCheckFailed')) throw new LeaseLostError(chunkKey(jobId, index));
      translateDynamoError(error);
    }
  }
}

function chunkOf(record: Record<string, unknown>): ImportChunk {
  const { [PK]: _pk, ...chunk } = record;
  return chunk as unknown as ImportChunk;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
