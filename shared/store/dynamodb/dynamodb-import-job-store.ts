import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ClaimResult,
  type CountedDelta,
  IMPORT_JOBS_RECENT_INDEX,
  type ImportJob,
  type ImportJobSource,
  type ImportJobStatus,
  type ImportJobStore,
  type JobProgress,
} from '../../import/jobs/import-job.js';
import type { ImportCheckpoint } from '../../import/run-import.js';
import type { DomainEvent } from '../../../events/catalog.js';
import { type OutboxPut, outboxPut } from '../../events/outbox-record.js';
import { batchGet } from './batch-io.js';
import { counterDeltaUpdates, type CounterUpdate } from './counter-delta.js';
import { translateDynamoError } from './dynamodb-errors.js';
import { PK, type TableDesign } from './table-design.js';

/** TransactWriteItems holds 100 items: the job update plus at most 99 counter shards. */
const MAX_TRANSACTION_ITEMS = 100;

/** Where an entity's counters live, for the deltas checkpoints apply. */
export interface CounterTable {
  design: TableDesign;
  tableName: string;
}

/** Thrown when a checkpoint's condition fails: another worker took the job over. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`import job ${id}: the lease was lost (another worker holds the job, or its checkpoint moved)`);
  }
}

/** DynamoDB adapter of the jobs table (design: shared/import/jobs/import-jobs.table.ts). */
export class DynamoDbImportJobStore implements ImportJobStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly counters: (entity: string) => CounterTable,
    /** The outbox table (`OUTBOX_TABLE_NAME`): a finished job's events commit with its final state. */
    private readonly outboxTable = '',
  ) {}

  async create(job: ImportJob): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: job.import_id, _p_all: 'all', _k_queued: `${job.queued_at}#${job.import_id}`, ...job },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return translateDynamoError(error);
    }
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { [PK]: id }, ConsistentRead: true })).catch(translateDynamoError);
    return out.Item ? jobOf(out.Item) : undefined;
  }

  async list(limit: number, after?: string): Promise<{ jobs: ImportJob[]; next?: string }> {
    const out = await this.client
      .send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: IMPORT_JOBS_RECENT_INDEX,
          KeyConditionExpression: after ? '#p = :all AND #k < :after' : '#p = :all',
          ExpressionAttributeNames: { '#p': '_p_all', ...(after ? { '#k': '_k_queued' } : {}) },
          ExpressionAttributeValues: { ':all': 'all', ...(after ? { ':after': after } : {}) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      )
      .catch(translateDynamoError);
    const keys = (out.Items ?? []).map((item) => ({ [PK]: item[PK] as string }));
    const records = await batchGet(this.client, this.tableName, keys);
    const byId = new Map(records.map((record) => [String(record[PK]), jobOf(record)]));
    const jobs = keys.flatMap((key) => (byId.has(key[PK]) ? [byId.get(key[PK])!] : []));
    const last = out.Items?.at(-1);
    return { jobs, ...(out.LastEvaluatedKey && last ? { next: String(last._k_queued) } : {}) };
  }

  async claim(id: string, owner: string, leaseMs: number, now: Date): Promise<ClaimResult> {
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: id },
          UpdateExpression: 'SET #status = :running, lease_owner = :owner, lease_until = :until, started_at = if_not_exists(started_at, :now)',
          ConditionExpression: 'attribute_exists(#pk) AND (#status = :queued OR (#status = :running AND lease_until < :nowMs))',
          ExpressionAttributeNames: { '#pk': PK, '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':owner': owner,
            ':until': now.getTime() + leaseMs,
            ':nowMs': now.getTime(),
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const job = jobOf(out.Attributes!);
      // started_at is null on a queued job: if_not_exists keeps an explicit null, so set it here.
      if (job.started_at === null) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [PK]: id },
            UpdateExpression: 'SET started_at = :now',
            ConditionExpression: 'lease_owner = :owner',
            ExpressionAttributeValues: { ':now': now.toISOString(), ':owner': owner },
          }),
        );
        job.started_at = now.toISOString();
      }
      return { kind: 'claimed', job };
    } catch (error) {
      if (!isConditionFailure(error)) return translateDynamoError(error);
    }
    const job = await this.get(id);
    if (!job) return { kind: 'missing' };
    return job.status === 'queued' || job.status === 'running' ? { kind: 'busy', job } : { kind: 'finished', job };
  }

  async checkpoint(
    id: string,
    owner: string,
    previousRow: number,
    checkpoint: ImportCheckpoint,
    progress: JobProgress,
    counted: CountedDelta,
    leaseUntil: number,
  ): Promise<void> {
    const s = progress.summary;
    await this.transact(
      id,
      {
        TableName: this.tableName,
        Key: { [PK]: id },
        UpdateExpression:
          'SET checkpoint_row = :row, #cp = :cp, rows_processed = :rows, bytes_processed = :bytes, created = :c, updated = :u, skipped = :s, #errors = :e, warnings = :w, error_details = :ed, lease_until = :until',
        ConditionExpression: 'checkpoint_row = :prev AND lease_owner = :owner AND #status = :running',
        ExpressionAttributeNames: { '#cp': 'checkpoint', '#errors': 'errors', '#status': 'status' },
        ExpressionAttributeValues: {
          ':row': checkpoint.position.row,
          ':cp': checkpoint,
          ':rows': progress.rows_processed,
          ':bytes': progress.bytes_processed,
          ':c': s.created,
          ':u': s.updated,
          ':s': s.skipped,
          ':e': s.errors,
          ':w': s.warnings,
          ':ed': s.error_details,
          ':until': leaseUntil,
          ':prev': previousRow,
          ':owner': owner,
          ':running': 'running',
        },
      },
      counted,
    );
  }

  async finish(
    id: string,
    owner: string,
    final: Partial<ImportJob> & { status: ImportJobStatus },
    counted: CountedDelta,
    events: readonly DomainEvent[] = [],
  ): Promise<void> {
    if (events.length > 0 && !this.outboxTable) throw new Error('OUTBOX_TABLE_NAME is not set: a finished import job cannot be written without its events');
    const fields = { ...final, lease_until: 0 };
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names = Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key]));
    const values = Object.fromEntries(entries.map(([, value], index) => [`:f${index}`, value]));
    await this.transact(
      id,
      {
        TableName: this.tableName,
        Key: { [PK]: id },
        UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :f${index}`).join(', ')}`,
        ConditionExpression: 'lease_owner = :owner AND #st = :running',
        ExpressionAttributeNames: { ...names, '#st': 'status' },
        ExpressionAttributeValues: { ...values, ':owner': owner, ':running': 'running' },
      },
      counted,
      events.map((event) => outboxPut(event, this.outboxTable)),
    );
  }

  async release(id: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: id },
          UpdateExpression: 'SET lease_until = :zero',
          ConditionExpression: 'lease_owner = :owner',
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) translateDynamoError(error);
    }
  }

  async attachSource(id: string, source: ImportJobSource, bytesTotal: number | null): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: id },
          UpdateExpression: 'SET #src = :src, bytes_total = :total',
          // The first object to arrive wins; the same one notified again matches its own etag.
          ConditionExpression: '#src.#key = :key AND (attribute_not_exists(#src.etag) OR #src.etag = :etag)',
          ExpressionAttributeNames: { '#src': 'source', '#key': 'key' },
          ExpressionAttributeValues: { ':src': source, ':total': bytesTotal, ':key': source.key, ':etag': source.etag ?? '' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      return translateDynamoError(error);
    }
  }

  /** The job update, the counter moves it accounts for and its outbox rows, in one transaction. */
  private async transact(id: string, jobUpdate: Record<string, unknown>, counted: CountedDelta, outbox: readonly OutboxPut[] = []): Promise<void> {
    const table = this.counters(counted.entity);
    const updates: CounterUpdate[] = counterDeltaUpdates(table.design, table.tableName, counted.delta, id);
    // A delta wider than one transaction: the overflow goes first, on its own (the caller keeps
    // checkpoints small enough that this does not happen with 25-item batches).
    const room = MAX_TRANSACTION_ITEMS - 1 - outbox.length;
    while (updates.length > room) {
      const overflow = updates.splice(room, MAX_TRANSACTION_ITEMS);
      await this.client.send(new TransactWriteCommand({ TransactItems: overflow.map((update) => ({ Update: update })) })).catch(translateDynamoError);
    }
    try {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: [{ Update: jobUpdate as never }, ...updates.map((update) => ({ Update: update })), ...outbox] }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new LeaseLostError(id);
      translateDynamoError(error);
    }
  }
}

function jobOf(record: Record<string, unknown>): ImportJob {
  const { [PK]: _pk, _p_all: _p, _k_queued: _k, ...job } = record;
  return job as unknown as ImportJob;
}

function isConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ConditionalCheckFailedException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons[0]?.Code === 'ConditionalCheckFailed';
}
