import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { searchPass } from './search-pass.js';
import type { IndexDesign } from './table-design.js';
import { compareUtf8 } from './utf8-order.js';

const index: IndexDesign = { name: 'all_by_x', partitionKey: '_p_all', sortKey: '_k_x', shards: 3, include: ['_search'] };
const PAGE = 3;

/** Three shards of sorted keys; a key matches when its text holds the search. */
function shards(): Map<string, { key: string; text: string }[]> {
  const data = new Map<string, { key: string; text: string }[]>();
  for (let n = 0; n < 40; n++) {
    const partition = `all#${n % 3 === 2 && n > 10 ? 2 : n % 2}`;
    const entry = { key: `k${String(n).padStart(3, '0')}`, text: n % 3 === 0 ? 'hit' : 'miss' };
    data.set(partition, [...(data.get(partition) ?? []), entry]);
  }
  return data;
}

/** DynamoDB's Query semantics for this fake: PAGE entries read per call, filter after the read. */
function fakeQuery(data: ReturnType<typeof shards>, delayMs = 0) {
  return async (input: QueryCommandInput) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const values = input.ExpressionAttributeValues!;
    const entries = [...(data.get(String(values[':p'])) ?? [])];
    if (input.ScanIndexForward === false) entries.reverse();
    const start = input.ExclusiveStartKey ? entries.findIndex((entry) => entry.key === input.ExclusiveStartKey!._k_x) + 1 : 0;
    const read = entries.slice(start, start + PAGE);
    const items = read.filter((entry) => entry.text.includes(String(values[':q']))).map((entry) => ({ _k_x: entry.key }));
    const more = start + PAGE < entries.length;
    return { Items: items, Count: items.length, ScannedCount: read.length, LastEvaluatedKey: more ? { _k_x: read.at(-1)!.key } : undefined };
  };
}

function expected(data: ReturnType<typeof shards>, descending = false): string[] {
  const keys = [...data.values()]
    .flat()
    .filter((entry) => entry.text.includes('hit'))
    .map((entry) => entry.key);
  return keys.sort((a, b) => compareUtf8(a, b) * (descending ? -1 : 1));
}

const read = { table: 't', index, search: 'hit', descending: false };

describe('searchPass', () => {
  it('counts every match and keeps the first `limit` of the merged order', async () => {
    const data = shards();
    const all = expected(data);
    const pass = await searchPass(fakeQuery(data), { ...read, limit: 5 });
    expect(pass).toMatchObject({ matched: all.length, scanned: 40, exact: true, complete: false });
    expect(pass.keys).toEqual(all.slice(0, 5));
    const everything = await searchPass(fakeQuery(data), { ...read, limit: 100 });
    expect(everything).toMatchObject({ keys: all, complete: true });
  });

  it('collects after a position (either direction) while still counting everything', async () => {
    const data = shards();
    for (const descending of [false, true]) {
      const all = expected(data, descending);
      const pass = await searchPass(fakeQuery(data), { ...read, descending, after: all[3], limit: 4 });
      expect(pass.matched).toBe(all.length);
      expect(pass.keys).toEqual(all.slice(4, 8));
    }
  });

  it('stopped at its deadline, answers only keys no unread entry can precede, and says it is not exact', async () => {
    const data = shards();
    const all = expected(data);
    const pass = await searchPass(fakeQuery(data, 25), { ...read, limit: 10, deadline: Date.now() + 40 });
    expect(pass.exact).toBe(false);
    expect(pass.complete).toBe(false);
    expect(pass.scanned).toBeLessThan(40);
    expect(pass.keys).toEqual(all.slice(0, pass.keys.length));
    const none = await searchPass(fakeQuery(data), { ...read, limit: 10, deadline: Date.now() });
    expect(none).toMatchObject({ matched: 0, scanned: 0, exact: false, keys: [] });
  });
});
