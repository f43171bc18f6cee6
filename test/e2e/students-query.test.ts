import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { inBatches, type Json, type LocalApi, startLocalApi } from './support/local-api.js';
import { errorLocs, expectProblem } from './support/problem-assertions.js';

const BASE = '/api/v1/students';
const QUERY = `${BASE}/query`;
const COUNT = 60;
/** Small on purpose: a scan of this file's table needs several budgeted rounds. */
const READ_BUDGET = 25;
const HOMETOWNS = ['Hanoi', 'hanoi', 'Hue', null, 'Da Nang'];
const LAST = ['Nguyen', 'tran', 'Lê', 'Phạm', 'ĐỖ', 'Vũ', 'Martin'];

let api: LocalApi;
/** What the API answered on create, by id: the model every expectation is computed from. */
const model = new Map<string, Json>();
const all = () => [...model.values()];

const query = (json: unknown, as?: 'viewer' | null) => api.request('POST', QUERY, as === undefined ? { json } : { json, as });
const ok = async (json: unknown) => {
  const res = await query(json);
  expect(res.status, res.text).toBe(200);
  return res;
};

/** Every page of a query by following its cursor; checks page sizes and that the plan stays put. */
async function walk(body: Record<string, unknown>, limit: number): Promise<{ ids: string[]; plans: Set<string>; pages: Json[] }> {
  const ids: string[] = [];
  const plans = new Set<string>();
  const pages: Json[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const res = await ok({ ...body, limit, ...(cursor ? { cursor } : {}) });
    plans.add(res.headers.get('x-query-plan')!);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    pages.push(res.body);
    ids.push(...res.body.items.map((item: Json) => item.student_id));
    if (res.body.cursor === null) return { ids, plans, pages };
    cursor = res.body.cursor;
  }
  throw new Error('the cursor never ran out');
}

beforeAll(async () => {
  process.env.QUERY_READ_BUDGET = String(READ_BUDGET);
  api = await startLocalApi({ role: 'admin' });
  const created = await inBatches(
    Array.from({ length: COUNT }, (_, n) => n),
    4,
    (n) =>
      api.request('POST', BASE, {
        json: {
          student_id: `Q${String(n).padStart(3, '0')}`,
          first_name: ['An', 'Binh', 'Chi'][n % 3],
          last_name: LAST[n % LAST.length],
          hometown: HOMETOWNS[n % HOMETOWNS.length],
          math_score: n % 6 === 0 ? null : (n * 7) % 11,
          literature_score: (n * 3) % 10,
        },
      }),
  );
  for (const res of created) {
    expect(res.status, res.text).toBe(201);
    model.set(res.body.student_id, res.body);
  }
}, 120_000);
afterAll(async () => {
  await api?.close();
  delete process.env.QUERY_READ_BUDGET;
});

describe('plans', () => {
  it('answers an eq on the id with a GetItem', async () => {
    const res = await ok({ where: { student_id: { eq: 'Q007' } } });
    expect(res.headers.get('x-query-plan')).toBe('get');
    expect(res.body).toEqual({ items: [model.get('Q007')], cursor: null });
  });

  it('answers an in on ids with one BatchGetItem, in the order asked, skipping ids that do not exist', async () => {
    const res = await ok({ where: { student_id: { in: ['Q012', 'Q003', 'NOPE', 'Q040'] } } });
    expect(res.headers.get('x-query-plan')).toBe('batch-get(4)');
    expect(res.body).toEqual({ items: ['Q012', 'Q003', 'Q040'].map((id) => model.get(id)), cursor: null });
  });

  it('answers a between on a score with a parallel scan and returns exactly the matches, each once', async () => {
    const { ids, plans } = await walk({ where: { math_score: { between: [3, 7] } } }, 4);
    expect([...plans]).toEqual([`scan(parallel=4, budget=${READ_BUDGET})`]);
    const expected = all()
      .filter((s) => s.math_score !== null && s.math_score >= 3 && s.math_score <= 7)
      .map((s) => s.student_id);
    expect(expected.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(expected.sort());
  });

  it('answers a sort with the sorted index, all shards merged, in the list order', async () => {
    const { ids, plans } = await walk({ sort: 'last_name' }, 7);
    expect([...plans]).toEqual(['index(all_by_last_name, shards=20)']);
    const listed = await api.request('GET', `${BASE}?sort=last_name&page_size=100`);
    expect(ids).toEqual(listed.body.items.map((s: Json) => s.student_id));
    expect(ids).toHaveLength(COUNT);
  });

  it('answers a begins_with on a sort field with its index and a begins_with key condition: the scan plan’s matches, in list order', async () => {
    const keyed = await walk({ where: { last_name: { begins_with: 'Ng' } }, sort: '-last_name' }, 3);
    expect([...keyed.plans]).toEqual(['index(all_by_last_name, shards=20, begins_with=last_name)']);
    // The same where under an `or` is no conjunct the planner uses: the filtered scan.
    const scanned = await walk({ where: { or: [{ last_name: { begins_with: 'Ng' } }] } }, 3);
    expect([...scanned.plans]).toEqual([`scan(parallel=4, budget=${READ_BUDGET})`]);
    expect([...keyed.ids].sort()).toEqual([...scanned.ids].sort());
    const listed = await api.request('GET', `${BASE}?sort=-last_name&page_size=100`);
    expect(keyed.ids).toEqual(listed.body.items.filter((s: Json) => s.last_name.startsWith('Ng')).map((s: Json) => s.student_id));
    expect(keyed.ids.length).toBeGreaterThan(5);
  });

  it('queries the filter index when the where pins a filter field, and still matches the value exactly', async () => {
    const { ids, plans } = await walk({ where: { and: [{ hometown: { eq: 'Hanoi' } }, { literature_score: { gte: 3 } }] }, sort: '-last_name' }, 3);
    expect([...plans]).toEqual([expect.stringMatching(/^index\(hometown_by_last_name, shards=\d+\)$/)]);
    const listed = await api.request('GET', `${BASE}?sort=-last_name&hometown=hanoi&page_size=100`);
    // The index holds Hanoi and hanoi alike (case-folded); `eq` keeps only Hanoi.
    const expected = listed.body.items.filter((s: Json) => s.hometown === 'Hanoi' && s.literature_score >= 3).map((s: Json) => s.student_id);
    expect(expected.length).toBeGreaterThan(2);
    expect(ids).toEqual(expected);
  });

  it('sorts a batch of ids by the declared sort, descending', async () => {
    const asked = ['Q001', 'Q002', 'Q003', 'Q004', 'Q005'];
    const res = await ok({ where: { student_id: { in: asked } }, sort: '-last_name', limit: 3 });
    expect(res.headers.get('x-query-plan')).toBe('batch-get(5)');
    const rest = await ok({ where: { student_id: { in: asked } }, sort: '-last_name', limit: 3, cursor: res.body.cursor });
    expect(rest.body.cursor).toBeNull();
    const listed = await api.request('GET', `${BASE}?sort=-last_name&page_size=100`);
    const expected = listed.body.items.map((s: Json) => s.student_id).filter((id: string) => asked.includes(id));
    expect([...res.body.items, ...rest.body.items].map((s: Json) => s.student_id)).toEqual(expected);
  });
});

describe('pages, budget and fields', () => {
  it('answers a short (even empty) page with a cursor when the read budget runs out first, and ends with cursor null', async () => {
    const first = await ok({ where: { first_name: { eq: 'Nobody' } }, limit: 10 });
    expect(first.body.items).toEqual([]);
    expect(first.body.cursor).toEqual(expect.any(String));
    const { ids, pages } = await walk({ where: { first_name: { eq: 'Nobody' } } }, 10);
    expect(ids).toEqual([]);
    // 60 students (plus counter items) at 25 reads a page.
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it('returns every student exactly once when paging an unrestricted scan', async () => {
    const { ids } = await walk({}, 9);
    expect(ids.sort()).toEqual([...model.keys()].sort());
  });

  it('projects fields, always with the id, in declaration order', async () => {
    const res = await ok({ where: { student_id: { in: ['Q001', 'Q002'] } }, fields: ['grade', 'first_name'] });
    expect(res.body.items).toEqual(['Q001', 'Q002'].map((id) => ({ student_id: id, first_name: model.get(id).first_name, grade: model.get(id).grade })));
  });

  it('lets fields and limit change between pages, but not the where or the sort', async () => {
    const first = await ok({ sort: 'first_name', limit: 5 });
    const next = await ok({ sort: 'first_name', limit: 2, fields: ['last_name'], cursor: first.body.cursor });
    expect(next.body.items).toHaveLength(2);
    expect(Object.keys(next.body.items[0])).toEqual(['student_id', 'last_name']);
    for (const changed of [{ sort: 'last_name' }, { sort: 'first_name', where: { hometown: { eq: 'Hue' } } }]) {
      const res = await query({ ...changed, cursor: first.body.cursor });
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual([['body', 'cursor']]);
    }
  });
});

describe('validation', () => {
  it.each([
    [{ where: { and: [{ first_name: { eq: 'An' } }, { shoe_size: { eq: 1 } }] } }, [['body', 'where', 'and', 1, 'shoe_size']]],
    [{ where: { math_score: { like: 1 } } }, [['body', 'where', 'math_score', 'like']]],
    [{ where: { hometown: { in: ['Hue', 3] } } }, [['body', 'where', 'hometown', 'in', 1]]],
    [{ where: 'everything' }, [['body', 'where']]],
    [{ limit: 0 }, [['body', 'limit']]],
    [{ limit: 101 }, [['body', 'limit']]],
    [{ sort: 'shoe_size' }, [['body', 'sort']]],
    [{ fields: ['student_id', 'password'] }, [['body', 'fields', 1]]],
    [{ select: '*' }, [['body', 'select']]],
  ])('answers 422 for %j with the path of the offending part', async (body, locs) => {
    const res = await query(body);
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual(locs);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await api.request('POST', QUERY, { body: '{"where":', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400);
  });

  describe('cursors', () => {
    let cursor: string;
    beforeAll(async () => {
      cursor = (await ok({ sort: 'last_name', limit: 5 })).body.cursor;
    });
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

    it.each([
      ['a tampered body', () => flip(cursor, 3)],
      ['a tampered signature', () => flip(cursor, cursor.length - 3)],
      ['garbage', () => 'bm90IGEgY3Vyc29y'],
      ['a signature from another secret', () => new CursorCodec('x'.repeat(40)).encode(JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()))],
      [
        'a list cursor (signed with the real secret)',
        () => new CursorCodec(api.tables.env.CURSOR_SECRET!).encode({ e: 'students', q: { sort: 'last_name' }, k: { after: 'x' }, p: 2 }),
      ],
      [
        'a forged position (signed with the real secret)',
        () => {
          const payload = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString());
          return new CursorCodec(api.tables.env.CURSOR_SECRET!).encode({ ...payload, k: { position: '{"kind":"Scan","segments":[]}' } });
        },
      ],
    ])('answers 422 at body.cursor for %s, never a 500', async (_label, make) => {
      const res = await query({ sort: 'last_name', limit: 5, cursor: make() });
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual([['body', 'cursor']]);
    });

    it('accepts the untouched cursor', async () => {
      const res = await ok({ sort: 'last_name', limit: 5, cursor });
      expect(res.body.items).toHaveLength(5);
    });
  });
});

describe('access', () => {
  it('lets a viewer query (the list permission)', async () => {
    const res = await query({ where: { student_id: { eq: 'Q001' } } }, 'viewer');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(1);
  });

  it('answers 401 without credentials', async () => {
    const res = await query({ where: { student_id: { eq: 'Q001' } } }, null);
    expectProblem(res, 401);
  });
});
