/** `create`: an existing id is an error for that row; `upsert`: it is updated. */
export type ImportMode = 'create' | 'upsert';

/** What one batch write did; `errors` name the items that were not written. */
export interface BatchResult {
  created: number;
  updated: number;
  errors: { id: string; reason: string }[];
}

/** Which job and which spreadsheet rows a batch comes from (same order as the items). */
export interface BatchOrigin {
  importId: string;
  rows: readonly number[];
}

/**
 * Port the import writes through: the store's bulk path (BatchWriteItem, 25 items, retried
 * UnprocessedItems, one counter delta per batch) implements it. Writing the same batch twice
 * must leave the same data and the same counts (a resumed job replays the batches written after its
 * last checkpoint): an adapter recognises its own earlier write of a row by `importId` + row (e.g.
 * an attribute it stores with the item and a condition on it) and reports it as created again.
 */
export interface ImportSink {
  writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin): Promise<BatchResult>;
}

/**
 * An in-memory sink keyed by `idField`, for tests and dry runs. In create mode an id already
 * present is an error, unless this job wrote it from the same row (a replayed batch).
 */
export class MemorySink implements ImportSink {
  readonly items = new Map<string, Record<string, unknown>>();
  private readonly writtenBy = new Map<string, string>();
  private readonly updatedBy = new Set<string>();
  batches = 0;

  constructor(private readonly idField: string) {}

  async writeBatch(items: readonly Record<string, unknown>[], mode: ImportMode, origin: BatchOrigin): Promise<BatchResult> {
    this.batches++;
    const result: BatchResult = { created: 0, updated: 0, errors: [] };
    items.forEach((item, index) => {
      const id = String(item[this.idField]);
      const ref = `${origin.importId}:${origin.rows[index]}`;
      const existed = this.items.has(id);
      if (this.writtenBy.get(id) === ref) {
        // A replayed write counts as what it was the first time.
        this.items.set(id, { ...item });
        if (this.updatedBy.has(ref)) result.updated++;
        else result.created++;
        return;
      }
      if (existed && mode === 'create') {
        result.errors.push({ id, reason: `${this.idField} '${id}' already exists` });
        return;
      }
      this.items.set(id, { ...item });
      this.writtenBy.set(id, ref);
      if (existed) {
        result.updated++;
        this.updatedBy.add(ref);
      } else {
        result.created++;
      }
    });
    return result;
  }
}
