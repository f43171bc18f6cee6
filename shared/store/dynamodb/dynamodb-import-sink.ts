import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../../entity/define-entity.js';
import { filterValue } from '../../entity/filter-value.js';
import type { BatchOrigin, BatchResult, ImportMode, ImportSink } from '../../import/import-sink.js';
import type { BulkEntityStore, CounterDelta, ListFilter, StoredItem } from '../entity-store.js';
import { batchGet } from './batch-io.js';
import { addToDelta, noDelta } from './counter-delta.js';
import { PK } from './table-design.js';

/** Attribute stored with every imported item: which job and row wrote it, and how. */
export const IMPORT_MARK = '_import';

/** `op`: c = the write created the item, u = it updated one whose filter values were `before`. */
interface ImportMark {
  ref: string;
  op: 'c' | 'u';
  before?: Record<string, string>;
}

/**
 * The import's sink over the DynamoDB bulk path (`putMany`: BatchWriteItem, no transactions).
 * Each item carries `_import` = {job#row, c|u, filter values before}: a replayed batch (a job
 * resumed after a crash between its writes and its checkpoint) recognises its own earlier
 * writes and reports them as what they were the first time — created again, not "already
 * exists" — and rebuilds the counter delta they were never counted with.
 *
 * Counters are NOT moved here: each batch's delta is held until `takeDelta(row)` hands the
 * deltas of every batch up to that row to the job checkpoint, which applies them in the
 * same transaction that records the checkpoint.
 */
export class DynamoDbImportSink implements ImportSink {
  private pending: { lastRow: number; delta: CounterDelta }[] = [];

  constructor(
    private readonly entity: Entity,
    private readonly store: BulkEntityStore,
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin): Promise<BatchResult> {
    const lastRow = Math.max(0, ...origin.rows);
    // A batch that stored only part of its items before failing: their delta is held like a
    // whole batch's. A resumed job never checkpoints it (the run failed; its sink is dropped) and
    // recounts those items on replay; a job that is closed instead (the direct door) counts it.
    const onInterrupted = (stored: CounterDelta) => void this.pending.push({ lastRow, delta: stored });
    const result = mode === 'create' ? await this.create(items, origin, onInterrupted) : await this.upsert(items, origin, onInterrupted);
    this.pending.push({ lastRow, delta: result.delta });
    return { created: result.created, updated: result.updated, errors: result.errors };
  }

  /**
   * Create mode costs what a bare bulk write costs (putMany: one read, one write): only ids
   * that turn out to exist are looked at again, to tell this job's own replayed writes from
   * real conflicts.
   */
  private async create(items: readonly Record<string, unknown>[], origin: BatchOrigin, onInterrupted: (stored: CounterDelta) => void) {
    const result: BatchResult & { delta: CounterDelta } = { created: 0, updated: 0, errors: [], delta: noDelta() };
    const refs = new Map(items.map((item, index) => [this.idOf(item), `${origin.importId}#${origin.rows[index]}`]));
    const written = await this.store.putMany(
      items.map((item) => this.stored(item, { ref: refs.get(this.idOf(item))!, op: 'c' })),
      { mode: 'create', concurrency: 1, onInterrupted },
    );
    mergeDelta(result.delta, written.delta);
    result.created = items.length - written.existing.length;
    if (written.existing.length === 0) return result;
    const marks = await this.readMarks(written.existing);
    const byId = new Map(items.map((item) => [this.idOf(item), item]));
    for (const id of written.existing) {
      const mark = marks.get(id)?.mark;
      if (mark?.ref === refs.get(id)) {
        // Our own write, replayed: created again, and counted now (its first count never happened).
        result.created++;
        addToDelta(result.delta, this.filtersOf(byId.get(id)!), +1);
      } else {
        result.errors.push({ id, reason: this.exists(id) });
      }
    }
    return result;
  }

  /** Upsert mode reads first: an update records the filter values it moves the item out of. */
  private async upsert(items: readonly Record<string, unknown>[], origin: BatchOrigin, onInterrupted: (stored: CounterDelta) => void) {
    const result: BatchResult & { delta: CounterDelta } = { created: 0, updated: 0, errors: [], delta: noDelta() };
    const marks = await this.readMarks(items.map((item) => this.idOf(item)));
    const toWrite: StoredItem[] = [];
    const expectNew = new Set<string>();
    items.forEach((item, index) => {
      const id = this.idOf(item);
      const ref = `${origin.importId}#${origin.rows[index]}`;
      const current = marks.get(id);
      const after = this.filtersOf(item);
      if (current === undefined) {
        expectNew.add(id);
        result.created++;
        toWrite.push(this.stored(item, { ref, op: 'c' }));
      } else if (current.mark?.ref === ref) {
        // Our own write, replayed: count it as it would have been counted the first time.
        if (current.mark.op === 'c') {
          result.created++;
          addToDelta(result.delta, after, +1);
        } else {
          result.updated++;
          const before = Object.entries(current.mark.before ?? {}).map(([name, value]) => ({ name, value }));
          addToDelta(result.delta, moved(before, after), -1, false);
          addToDelta(result.delta, moved(after, before), +1, false);
        }
        toWrite.push(this.stored(item, current.mark));
      } else {
        result.updated++;
        toWrite.push(this.stored(item, { ref, op: 'u', before: Object.fromEntries(current.filters.map((f) => [f.name, f.value])) }));
      }
    });
    const written = await this.store.putMany(toWrite, { mode: 'upsert', concurrency: 1, onInterrupted });
    // Created by someone else between our read and putMany's: putMany replaced it (an update).
    for (const id of written.existing) {
      if (!expectNew.has(id)) continue;
      result.created--;
      result.updated++;
    }
    mergeDelta(result.delta, written.delta);
    return result;
  }

  private stored(item: Record<string, unknown>, mark: ImportMark): StoredItem {
    const now = this.clock().toISOString();
    return { ...this.nulls(), ...item, created_at: now, updated_at: now, version: 1, [IMPORT_MARK]: mark } as StoredItem;
  }

  private idOf(item: Record<string, unknown>): string {
    return String(item[this.entity.idField]);
  }

  private exists(id: string): string {
    return `${this.entity.singular} with ${this.entity.idField} '${id}' already exists`;
  }

  /** The merged counter delta of every batch written whose rows all lie at or before `row`. */
  takeDelta(row = Number.POSITIVE_INFINITY): CounterDelta {
    const taken = noDelta();
    this.pending = this.pending.filter((entry) => {
      if (entry.lastRow > row) return true;
      mergeDelta(taken, entry.delta);
      return false;
    });
    return taken;
  }

  /** Existing ids among `ids` with their import mark and current filter values (strongly consistent). */
  private async readMarks(ids: string[]): Promise<Map<string, { mark?: ImportMark; filters: ListFilter[] }>> {
    const fields = Object.values(this.entity.list.filters).map((filter) => filter.field);
    const attributes = [PK, IMPORT_MARK, ...fields];
    const names = Object.fromEntries(attributes.map((attribute, index) => [`#a${index}`, attribute]));
    const records = await batchGet(
      this.client,
      this.tableName,
      [...new Set(ids)].map((id) => ({ [PK]: id })),
      {
        projection: Object.keys(names).join(', '),
        names,
        consistent: true,
      },
    );
    return new Map(records.map((record) => [String(record[PK]), { mark: record[IMPORT_MARK] as ImportMark | undefined, filters: this.filtersOf(record) }]));
  }

  private filtersOf(item: Record<string, unknown>): ListFilter[] {
    const filters: ListFilter[] = [];
    for (const [name, filter] of Object.entries(this.entity.list.filters)) {
      const value = filterValue(item[filter.field]);
      if (value) filters.push({ name, value });
    }
    return filters;
  }

  private nulls(): Record<string, null> {
    return Object.fromEntries(this.entity.nullableFields.map((field) => [field, null]));
  }
}

/** Adds `from` into `into`. */
export function mergeDelta(into: CounterDelta, from: CounterDelta): CounterDelta {
  into.total += from.total;
  for (const [name, values] of Object.entries(from.filters)) {
    const target = (into.filters[name] ??= {});
    for (const [value, by] of Object.entries(values)) target[value] = (target[value] ?? 0) + by;
  }
  return into;
}

function moved(list: ListFilter[], other: ListFilter[]): ListFilter[] {
  return list.filter((f) => !other.some((o) => o.name === f.name && o.value === f.value));
}
