import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../cursor/cursor-codec.js';
import { sortBy } from '../../entity/sort-keys.js';
import { indexSortKey } from '../../store/dynamodb/table-design.js';
import { LIMITS } from './reject-suspicious.js';

/**
 * Why the query-string limit is 8 KiB and not 2 KiB: the longest query a client of this API
 * legitimately sends, a cursor (signed, carrying the last row's sort key and the bound query)
 * plus the repeated search and filter, both at their 100-character maximum in a script of
 * 3-byte UTF-8 characters, is measured here with the real codec and sort-key encoder.
 */
describe('the query-string limit', () => {
  const cjk = '漢'.repeat(100);
  // A last name of 200 code points of 4-byte characters: the longest sort key the encoder keeps.
  const lastName = '𠀀'.repeat(50);
  const cursor = new CursorCodec('x'.repeat(32)).encode({
    e: 'students',
    q: { sort: '-last_name', page_size: 100, search: cjk, hometown: cjk },
    // The sharded indexes resume every shard after one sort key, which ends in the id.
    k: { after: indexSortKey(sortBy.text('last_name').encode({ last_name: lastName }), 'STU-2026-000001') },
    p: 99_999,
  });
  const query = new URLSearchParams({ cursor, search: cjk, hometown: cjk, sort: '-last_name', page_size: '100' }).toString();

  it('fits the longest legitimate list query with room to spare, which 2 KiB would not', () => {
    const bytes = Buffer.byteLength(query);
    expect(bytes).toBeGreaterThan(2_048);
    expect(bytes).toBeLessThan(LIMITS.queryStringBytes / 2);
    // Recorded for docs/security.md.
    console.info(`longest legitimate list query: ${bytes} bytes (cursor alone ${Buffer.byteLength(cursor)})`);
  });
});
