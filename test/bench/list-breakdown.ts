import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mergedSortKeys } from '../../shared/store/dynamodb/sharded-index.js';
import { counterKeys, type IndexDesign, idOfSortKey, indexFor, PK, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { students } from '../../shared/students/students.entity.js';
import { ms, summarize } from './percentiles.js';

const PAGE_SIZE = 10;
const RUNS = 20;

/** Where one list page's time goes, as medians over the runs (ms unless said otherwise). */
export interface PageBreakdown {
  name: string;
  shards: number;
  /** First reads (every shard, in parallel): their wall time, one read's p50 and slowest. */
  firstReadsMs: number;
  oneReadMs: number;
  slowestReadMs: number;
  /** Shards read again because they ran dry before the page was full. */
  rereads: number;
  rereadMs: number;
  /** Keys asked for (sum of Limits) and keys returned by every Query of the page. */
  keysAsked: number;
  keysRead: number;
  /** The k-way merge itself: the key phase minus the time spent waiting on Queries. */
  mergeMs: number;
  batchGetMs: number;
  /** The counter shards (one BatchGetItem), read alongside the key phase by the store. */
  countMs: number;
  /** Key phase + BatchGet, the count beside it: what the store's `list` + `count` wait for. */
  pageMs: number;
}

interface Read {
  ms: number;
  limit: number;
  items: number;
  first: boolean;
}

/**
 * One page of the default sort (page 1 and after `after`) and of a hometown, read the way
 * the store reads it (shared/store/dynamodb/sharded-index.ts, then BatchGetItem, the count
 * beside it) with every Query timed: what each shard asked for and returned, the first
 * reads' wall time, re-reads, the merge, the BatchGet and the counters.
 */
export async function listBreakdown(
  doc: DynamoDBDocumentClient,
  table: string,
  pages: { name: string; filter?: string; after?: string }[],
): Promise<PageBreakdown[]> {
  const design = tableDesign(students);
  const results: PageBreakdown[] = [];
  for (const page of pages) {
    const index = indexFor(design, students.list.defaultSort, page.filter ? 'hometown' : undefined);
    const runs: Omit<PageBreakdown, 'name' | 'shards'>[] = [];
    for (let run = 0; run < RUNS + 3; run++) {
      const measured = await timePage(doc, table, index, page.filter, page.after);
      if (run >= 3) runs.push(measured);
    }
    const median = (pick: (run: (typeof runs)[number]) => number) => summarize(runs.map(pick)).p50;
    results.push({
      name: page.name,
      shards: index.shards,
      firstReadsMs: median((r) => r.firstReadsMs),
      oneReadMs: median((r) => r.oneReadMs),
      slowestReadMs: median((r) => r.slowestReadMs),
      rereads: median((r) => r.rereads),
      rereadMs: median((r) => r.rereadMs),
      keysAsked: median((r) => r.keysAsked),
      keysRead: median((r) => r.keysRead),
      mergeMs: median((r) => r.mergeMs),
      batchGetMs: median((r) => r.batchGetMs),
      countMs: median((r) => r.countMs),
      pageMs: median((r) => r.pageMs),
    });
  }
  return results;
}

async function timePage(doc: DynamoDBDocumentClient, table: string, index: IndexDesign, filter: string | undefined, after: string | undefined) {
  const reads: Read[] = [];
  const query = async (input: QueryCommandInput) => {
    const started = performance.now();
    const out = await doc.send(new QueryCommand(input));
    reads.push({ ms: performance.now() - started, limit: Number(input.Limit), items: out.Items?.length ?? 0, first: !input.ExclusiveStartKey });
    return out;
  };
  const counterRead = { name: 'hometown', value: filter ?? '' };
  const started = performance.now();
  const counting = (async () => {
    const keys = counterKeys(tableDesign(students), filter ? counterRead : undefined).map((key) => ({ [PK]: key }));
    await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'n' } } }));
    return performance.now() - started;
  })();
  const keys: string[] = [];
  let firstReadsEnd = 0;
  for await (const key of mergedSortKeys(query, { table, index, value: filter, descending: false, after, wanted: PAGE_SIZE })) {
    if (keys.length === 0) firstReadsEnd = performance.now();
    keys.push(key);
    if (keys.length === PAGE_SIZE) break;
  }
  const keysDone = performance.now();
  await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.map((key) => ({ [PK]: idOfSortKey(key) })) } } }));
  const batchGetDone = performance.now();
  const countMs = await counting;
  const first = reads.filter((read) => read.first);
  const again = reads.filter((read) => !read.first);
  const rereadMs = again.reduce((sum, read) => sum + read.ms, 0);
  return {
    firstReadsMs: firstReadsEnd - started,
    oneReadMs: summarize(first.map((read) => read.ms)).p50,
    slowestReadMs: Math.max(...first.map((read) => read.ms)),
    rereads: again.length,
    rereadMs,
    keysAsked: reads.reduce((sum, read) => sum + read.limit, 0),
    keysRead: reads.reduce((sum, read) => sum + read.items, 0),
    mergeMs: Math.max(0, keysDone - firstReadsEnd - rereadMs),
    batchGetMs: batchGetDone - keysDone,
    countMs,
    pageMs: Math.max(batchGetDone, started + countMs) - started,
  };
}

/** The breakdown as table rows (see `listBreakdown`). */
export function breakdownRows(rows: readonly PageBreakdown[]): string[][] {
  return rows.map((row) => [
    row.name,
    String(row.shards),
    `${ms(row.firstReadsMs)} (${ms(row.oneReadMs)} / ${ms(row.slowestReadMs)})`,
    `${row.rereads} (${ms(row.rereadMs)})`,
    `${row.keysAsked} / ${row.keysRead}`,
    ms(row.mergeMs),
    ms(row.batchGetMs),
    ms(row.countMs),
    ms(row.pageMs),
  ]);
}

export const BREAKDOWN_HEADERS = [
  'page (store reads, no handler)',
  'shards',
  'first reads wall (one p50 / slowest)',
  're-reads (ms)',
  'keys asked / read',
  'merge',
  'BatchGet',
  'count',
  'page',
];
