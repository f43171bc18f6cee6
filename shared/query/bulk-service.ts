import { createHash } from 'node:crypto';
import type { CursorCodec } from '../cursor/cursor-codec.js';
import type { Entity } from '../entity/define-entity.js';
import type { MatchedOutcome, MatchedWrites } from '../entity/matched-writes.js';
import { AppError, BadRequestError } from '../errors/app-error.js';
import { logger } from '../powertools/logger.js';
import { canonicalJson } from '../runtime/canonical-json.js';
import { currentBudget } from '../runtime/request-budget.js';
import type { StoredItem } from '../store/entity-store.js';
import { type BulkBody, type BulkOperation, type BulkResult, MAX_BULK_ITEMS } from './bulk-body.js';
import { decodeQueryCursor, encodeQueryCursor } from './query-cursor.js';
import type { QueryPosition } from './query-executor.js';
import { describePlan, planQuery } from './query-plan.js';
import type { QueryRunner } from './query-service.js';
import { matches, parseWhere, type Where } from './where.js';

export interface BulkServiceDeps {
  run: QueryRunner;
  cursors: () => Promise<CursorCodec>;
  /** The entity's conditional single-item writes (counters, versions, cache invalidation). */
  writer: MatchedWrites;
  /** Items one query page may read (QUERY_READ_BUDGET). */
  readBudget: number;
  /** Items one bulk call may read over all its pages (BULK_READ_BUDGET). */
  callReadBudget: number;
  segments: number;
  /** Item writes in flight at once. @default 8 */
  concurrency?: number;
  /** Milliseconds the call may still spend. @default the request budget's, else unbounded */
  remainingMs?: () => number;
  /** Matches fetched (then written) per query page. @default 100 */
  pageSize?: number;
  /** Time kept back for the answer; no page after the first starts unless twice the slowest page still fits before it. @default 2000 */
  reserveMs?: number;
}

/** One bulk call: the answer and the plan that read the matches (`X-Query-Plan`). */
export interface BulkAnswer {
  result: BulkResult;
  plan: string;
}

/**
 * Bulk update and delete of any declared entity over the query engine: the matches are read
 * page by page through the planner (never the whole table, each page within the read budget)
 * and each is written through the entity's own conditional write, so counters, versions and
 * the cache stay right and concurrent edits are not overwritten. A call stops after `limit`
 * matches, `callReadBudget` items read or when its time runs short, and answers a signed
 * cursor that continues the operation; repeating a call is harmless (already-updated items
 * are unchanged, deleted ones no longer match).
 */
export function createBulkService(entity: Entity, deps: BulkServiceDeps) {
  const concurrency = deps.concurrency ?? 8;
  const reserveMs = deps.reserveMs ?? 2_000;
  const pageSize = deps.pageSize ?? 100;
  const remainingMs =
    deps.remainingMs ??
    (() => {
      const budget = currentBudget();
      return budget ? budget.deadline - Date.now() : Number.POSITIVE_INFINITY;
    });

  return {
    async run(operation: BulkOperation, body: BulkBody): Promise<BulkAnswer> {
      requireWhere(entity, body.where);
      const where = parseWhere(entity, body.where);
      const dryRun = body.dry_run ?? false;
      const set = operation === 'update' ? (body.set ?? {}) : undefined;
      const plan = planQuery(entity, where, { segments: deps.segments });
      const fingerprint = bulkFingerprint(operation, where, set, dryRun);
      let position: QueryPosition | undefined;
      let page = 1;
      if (body.cursor) ({ position, page } = decodeQueryCursor(await deps.cursors(), entity.name, body.cursor, fingerprint, plan));
      // A dry run writes nothing: unless a limit is asked for, only reads and time bound it.
      const cap = body.limit ?? (dryRun ? Number.POSITIVE_INFINITY : MAX_BULK_ITEMS);
      const tally = { matched: 0, written: 0, unchanged: 0, skipped: 0, failed: [] as { key: string; reason: string }[] };
      let read = 0;
      let slowestMs = 0;
      let done = false;
      // The first page always runs (a call makes progress); later ones only while two of the slowest still fit.
      for (let pages = 0; tally.matched < cap && read < deps.callReadBudget && (pages === 0 || remainingMs() - reserveMs > 2 * slowestMs); pages++) {
        const began = Date.now();
        // A dry run has no writes to pace: larger pages, fewer round trips (still within the read budgets).
        const limit = Math.min(dryRun ? pageSize * 10 : pageSize, cap - tally.matched);
        const result = await deps.run(where, {
          limit,
          readBudget: Math.min(deps.readBudget, deps.callReadBudget - read),
          segments: deps.segments,
          start: position,
        });
        read += result.itemsRead;
        tally.matched += result.items.length;
        if (!dryRun) await writeAll(result.items, (item) => writeOne(operation, item, where, set!), tally);
        slowestMs = Math.max(slowestMs, Date.now() - began);
        position = result.next;
        if (!position) {
          done = true;
          break;
        }
      }
      const cursor = done || !position ? null : encodeQueryCursor(await deps.cursors(), entity.name, fingerprint, position, page + 1);
      const described = describePlan(plan, deps.readBudget);
      logger.info('bulk answered', {
        entity: entity.name,
        operation,
        dry_run: dryRun,
        plan: described,
        call: page,
        items_read: read,
        matched: tally.matched,
        written: tally.written,
        unchanged: tally.unchanged,
        skipped: tally.skipped,
        failed: tally.failed.length,
        has_next: cursor !== null,
      });
      const written = operation === 'update' ? { updated: tally.written, unchanged: tally.unchanged } : { deleted: tally.written };
      return { result: { matched: tally.matched, ...written, skipped: tally.skipped, failed: tally.failed, dry_run: dryRun, cursor }, plan: described };
    },
  };

  function writeOne(operation: BulkOperation, item: StoredItem, where: Where, set: Record<string, unknown>): Promise<MatchedOutcome> {
    const stillMatches = (current: StoredItem) => matches(where, current);
    return operation === 'update' ? deps.writer.updateMatched(item, set, stillMatches) : deps.writer.removeMatched(item, stillMatches);
  }

  /** Writes every item, `concurrency` at a time; an item's client-side failure (a conflict) is reported, anything else fails the call. */
  async function writeAll(
    items: StoredItem[],
    write: (item: StoredItem) => Promise<MatchedOutcome>,
    tally: { written: number; unchanged: number; skipped: number; failed: { key: string; reason: string }[] },
  ) {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        try {
          const outcome = await write(item);
          if (outcome === 'written') tally.written++;
          else if (outcome === 'unchanged') tally.unchanged++;
          else tally.skipped++;
        } catch (error) {
          if (!(error instanceof AppError) || !ITEM_FAILURES.has(error.kind)) throw error;
          tally.failed.push({ key: String(item[entity.idField]), reason: error.code });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  }
}

export type BulkService = ReturnType<typeof createBulkService>;

/** Per-item errors that leave the rest of the call meaningful; dependency failures and bugs fail the call (a retry is safe). */
const ITEM_FAILURES = new Set<AppError['kind']>(['conflict', 'preconditionFailed', 'validation']);

/** An absent, null or empty where is refused before parsing: a bulk operation never means "everything" by omission. */
function requireWhere(entity: Entity, where: unknown): void {
  const empty = where === undefined || where === null || (typeof where === 'object' && Object.keys(where).length === 0);
  if (!empty) return;
  const every = JSON.stringify({ [entity.idField]: { exists: true } });
  // 400, not 422 (issue 11): the request lacks its mandatory filter; nothing in it is mistyped.
  throw new BadRequestError('bulk.whereRequired', `A bulk operation needs a non-empty where; to change every ${entity.singular}, say so: ${every}.`);
}

/** What a bulk cursor is bound to: the operation, the parsed where, the set and whether it is a dry run. */
function bulkFingerprint(operation: BulkOperation, where: Where, set: Record<string, unknown> | undefined, dryRun: boolean): string {
  return createHash('sha256')
    .update(canonicalJson({ bulk: operation, where, set: set ?? null, dry_run: dryRun }))
    .digest('base64url')
    .slice(0, 22);
}
