import type { Entity } from '../../entity/define-entity.js';
import { filterValue } from '../../entity/filter-value.js';
import type { StoredItem } from '../entity-store.js';
import { addToDelta, counterDeltaUpdates, noDelta } from './counter-delta.js';
import { toRecord } from './item-record.js';
import { itemSize, readUnits, writeUnits } from './item-size.js';
import { COUNTER_UPDATE_WCU, counterKeyFor, type IndexDesign, PARTITION_RCU_LIMIT, PARTITION_WCU_LIMIT, PK, type TableDesign } from './table-design.js';

export interface CapacityOptions {
  /** Items written per second. */
  rate: number;
  /** `api`: single-item transactional creates; `bulk`: BatchWriteItem + one counter delta per 25 rows. */
  mode: 'api' | 'bulk';
  /** List pages read per second in the simulated mix (60% page 1, 20% cursor pages, 20% hottest filter value). */
  pagesPerSecond: number;
  pageSize: number;
}

export interface CapacityLine {
  kind: 'table' | 'gsi' | 'counter';
  name: string;
  /** The partition key value written most. */
  hottestKey: string;
  hottestWcuPerSecond: number;
  hottestRcuPerSecond: number;
  /** WCU this target costs per row written, on average. */
  wcuPerRow: number;
  flagged: boolean;
}

export interface CapacityReport {
  rows: number;
  lines: CapacityLine[];
  wcuPerRow: number;
  /** Seconds to load the rows: the declared rate, or the hottest partition's limit if slower. */
  loadSeconds: number;
  flagged: CapacityLine[];
}

/** Write counts per partition key value of one target, and the WCU they cost. */
class Tally {
  readonly writes = new Map<string, number>();
  wcu = 0;
  add(key: string, wcu: number) {
    this.writes.set(key, (this.writes.get(key) ?? 0) + wcu);
    this.wcu += wcu;
  }
  hottest(): [string, number] {
    let best: [string, number] = ['-', 0];
    for (const entry of this.writes) if (entry[1] > best[1]) best = entry;
    return best;
  }
}

/** Size of an index entry: base key, index keys and the projected attributes. */
function entrySize(index: IndexDesign, record: Record<string, unknown>): number {
  const entry: Record<string, unknown> = { [PK]: record[PK], [index.partitionKey]: record[index.partitionKey], [index.sortKey]: record[index.sortKey] };
  for (const attribute of index.include ?? []) entry[attribute] = record[attribute];
  return itemSize(entry);
}

/**
 * Runs every row through the store's own key, index and counter functions (toRecord,
 * counterKeyFor, counterDeltaUpdates) and reports, per table, GSI and counter family, the
 * hottest partition key value's WCU/s at `rate` (and RCU/s under the list read mix). Rows
 * stream through: memory holds one number per partition key value, never the rows; base
 * table ids are unique, so its hottest key is any one item.
 */
export function capacityModel(entity: Entity, design: TableDesign, rows: Iterable<StoredItem>, options: CapacityOptions): CapacityReport {
  const table = new Tally();
  const indexes = new Map(design.indexes.map((index) => [index, new Tally()]));
  const counters = new Map<string, Tally>([['total', new Tally()], ...Object.keys(entity.list.filters).map((name) => [name, new Tally()] as [string, Tally])]);
  const entryBytes = new Map<IndexDesign, number>();
  let count = 0;
  let batch = noDelta();
  let batchRows = 0;
  const flushBatch = () => {
    for (const update of counterDeltaUpdates(design, 'capacity', batch, `batch-${count}`)) {
      const key = update.Key[PK]!;
      const family = key.split('#')[2] ?? '';
      counters.get(/^\d+$/.test(family) ? 'total' : family)?.add(key, COUNTER_UPDATE_WCU);
    }
    batch = noDelta();
    batchRows = 0;
  };
  for (const item of rows) {
    count++;
    const id = String(item[entity.idField]);
    const record = toRecord(entity, design, item);
    const transactional = options.mode === 'api' ? 2 : 1;
    table.add(id, transactional * writeUnits(itemSize(record)));
    for (const [index, tally] of indexes) {
      const partition = record[index.partitionKey];
      if (typeof partition !== 'string') continue;
      const bytes = entrySize(index, record);
      entryBytes.set(index, Math.max(entryBytes.get(index) ?? 0, bytes));
      tally.add(partition, writeUnits(bytes));
    }
    const filters = Object.entries(entity.list.filters).flatMap(([name, filter]) => {
      const value = filterValue(item[filter.field]);
      return value ? [{ name, value }] : [];
    });
    if (options.mode === 'api') {
      counters.get('total')!.add(counterKeyFor(design, id), COUNTER_UPDATE_WCU);
      for (const filter of filters) counters.get(filter.name)!.add(counterKeyFor(design, id, filter), COUNTER_UPDATE_WCU);
    } else {
      addToDelta(batch, filters, +1);
      if (++batchRows === 25) flushBatch();
    }
  }
  if (batchRows > 0) flushBatch();

  const perSecond = (units: number) => (count === 0 ? 0 : (units / count) * options.rate);
  const lines: CapacityLine[] = [];
  const line = (kind: CapacityLine['kind'], name: string, tally: Tally, rcu: number) => {
    const [hottestKey, units] = kind === 'table' ? [tally.hottest()[0], tally.hottest()[1]] : tally.hottest();
    const wcu = perSecond(units);
    lines.push({
      kind,
      name,
      hottestKey,
      hottestWcuPerSecond: wcu,
      hottestRcuPerSecond: rcu,
      wcuPerRow: count === 0 ? 0 : tally.wcu / count,
      flagged: wcu > PARTITION_WCU_LIMIT || rcu > PARTITION_RCU_LIMIT,
    });
  };
  // Read mix: every page queries each shard of its index once and reads every counter shard once.
  const pages = options.pagesPerSecond;
  line('table', design.id, table, pages * readUnits(4096) * 0.6);
  for (const [index, tally] of indexes) {
    const share = index.filter ? 0.2 : index.sort === entity.list.defaultSort ? 0.8 : 0;
    const queryRcu = readUnits(options.pageSize * (entryBytes.get(index) ?? 0));
    line('gsi', index.name, tally, pages * share * queryRcu);
  }
  for (const [name, tally] of counters) line('counter', name, tally, pages * (name === 'total' ? 0.8 : 0.2) * readUnits(100));
  const wcuPerRow = lines.reduce((sum, entry) => sum + entry.wcuPerRow, 0);
  const hottestSeconds = Math.max(0, ...[table, ...indexes.values(), ...counters.values()].map((tally) => tally.hottest()[1] / PARTITION_WCU_LIMIT));
  return { rows: count, lines, wcuPerRow, loadSeconds: Math.max(count / options.rate, hottestSeconds), flagged: lines.filter((entry) => entry.flagged) };
}
