import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { inBatches, type Json, type LocalApi, startLocalApi } from './support/local-api.js';
import { errorLocs, expectProblem } from './support/problem-assertions.js';

const BASE = '/api/v1/students';
const FIRST = ['An', 'Bình', 'Đặng', 'Élodie', 'emma', 'Zoe', 'minh', 'Ánh', 'Chloé', 'duc', 'Hà', 'Yến'];
const LAST = ['Nguyen', 'tran', 'Lê', 'Phạm', 'ĐỖ', 'Vũ', 'Martin', 'dubois', 'Élan', 'Ngô', 'Bùi'];
const HOMETOWNS = ['Hanoi', 'HANOI', 'Da Nang', 'da nang', null, 'Hue', 'hanoi', null, 'Huế', 'HUẾ'];
const COUNT = 60;

interface Seed {
  student_id: string;
  first_name: string;
  last_name: string;
  email: string | null;
  hometown: string | null;
  math_score: number | null;
  literature_score: number | null;
  english_score: number | null;
}

/** Deterministic, varied students: accents, mixed case, null hometowns, emails and scores. */
function seedOf(n: number): Seed {
  const score = (factor: number, nullEvery: number) => (n % nullEvery === 0 || n % 11 === 0 ? null : ((n * factor) % 101) / 10);
  const seed: Seed = {
    student_id: `L${String(n).padStart(3, '0')}`,
    first_name: FIRST[n % FIRST.length]!,
    last_name: LAST[n % LAST.length]!,
    email: n % 3 === 0 ? null : `learner${n}@Campus.Example`,
    hometown: HOMETOWNS[n % HOMETOWNS.length]!,
    math_score: score(37, 7),
    literature_score: score(53, 5),
    english_score: score(29, 4),
  };
  // Averages that only sort right numerically (9.5 < 10), and a low one.
  if (n === 1) Object.assign(seed, { math_score: 10, literature_score: 10, english_score: 10 });
  if (n === 2) Object.assign(seed, { math_score: 9.5, literature_score: 9.5, english_score: 9.5 });
  if (n === 3) Object.assign(seed, { math_score: 1, literature_score: null, english_score: null });
  return seed;
}

let api: LocalApi;
/** What the API answered on create, by id: the model every expectation is computed from. */
const model = new Map<string, Json>();

const list = async (query: string) => {
  const res = await api.request('GET', `${BASE}?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};
const ids = (items: Json[]) => items.map((item) => item.student_id as string);
/** Filters are case-insensitive exact matches (accents count: Hue is not Huế). */
const fold = (value: string | null) => (value === null ? null : value.trim().normalize('NFKC').toLowerCase());
/** Text sorts are case- and accent-insensitive (Élodie with e…, Đặng with d…). */
const sortFold = (value: string) => value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/đ/g, 'd');
const all = () => [...model.values()];

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
  // Created in a scrambled order so that id order and creation order differ.
  const order = Array.from({ length: COUNT }, (_, i) => ((i * 17) % COUNT) + 1);
  const created = await inBatches(order, 4, (n) => api.request('POST', BASE, { json: seedOf(n) }));
  for (const res of created) {
    expect(res.status, res.text).toBe(201);
    model.set(res.body.student_id, res.body);
  }
  expect(model.size).toBe(COUNT);
});
afterAll(async () => {
  await api?.close();
});

/** Every page by number, checking the page metadata on the way. */
async function walkPages(query: string, pageSize: number): Promise<Json[]> {
  const first = await list(`${query}&page_size=${pageSize}`);
  const items: Json[] = [...first.items];
  expect(first.total_pages).toBe(Math.ceil(first.total / pageSize));
  for (let page = 2; page <= first.total_pages; page++) {
    const body = await list(`${query}&page_size=${pageSize}&page=${page}`);
    expect(body).toMatchObject({ page, page_size: pageSize, total: first.total, has_prev: true, has_next: page < first.total_pages });
    items.push(...body.items);
  }
  expect(items).toHaveLength(first.total);
  return items;
}

/** Every page by following next_cursor alone, checking the page metadata on the way. */
async function walkCursor(query: string, pageSize: number): Promise<Json[]> {
  let body = await list(`${query}&page_size=${pageSize}`);
  const items: Json[] = [...body.items];
  let page = 1;
  while (body.next_cursor) {
    body = await list(`cursor=${encodeURIComponent(body.next_cursor)}`);
    page++;
    expect(body).toMatchObject({ page, page_size: pageSize, has_prev: true, has_next: page < body.total_pages });
    items.push(...body.items);
    expect(page).toBeLessThanOrEqual(body.total_pages);
  }
  expect(body.has_next).toBe(false);
  expect(items).toHaveLength(body.total);
  return items;
}

/** UTF-8 byte order (DynamoDB's) of case-folded text: the order the API promises for names. */
const textOrder = (a: string, b: string) => Buffer.compare(Buffer.from(sortFold(a)), Buffer.from(sortFold(b)));
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function expectOrdered(items: Json[], compare: (a: Json, b: Json) => number, label: string) {
  for (let i = 1; i < items.length; i++) {
    expect(compare(items[i - 1], items[i]), `${label}: ${items[i - 1].student_id} before ${items[i].student_id}`).toBeLessThanOrEqual(0);
  }
}

describe('totals and page math', () => {
  it('counts every student and derives the page numbers from page_size', async () => {
    const body = await list('page_size=7');
    expect(body).toMatchObject({ total: COUNT, page: 1, page_size: 7, total_pages: 9, has_next: true, has_prev: false });
    expect(body.items).toHaveLength(7);
    expect(typeof body.next_cursor).toBe('string');
    const last = await list('page_size=7&page=9');
    expect(last).toMatchObject({ total: COUNT, page: 9, total_pages: 9, has_next: false, has_prev: true, next_cursor: null });
    expect(last.items).toHaveLength(COUNT - 8 * 7);
  });

  it('uses 10 items per page by default', async () => {
    const body = await list('');
    expect(body).toMatchObject({ page: 1, page_size: 10, total: COUNT, total_pages: 6 });
    expect(body.items).toHaveLength(10);
  });

  it.each([
    [20, 3],
    [60, 1],
    [100, 1],
    [1, 60],
  ])('page_size %i gives %i pages and no next page on the last one', async (pageSize, pages) => {
    const last = await list(`page_size=${pageSize}&page=${pages}`);
    expect(last).toMatchObject({ total_pages: pages, has_next: false, next_cursor: null, has_prev: pages > 1 });
    expect(last.items).toHaveLength(COUNT - (pages - 1) * pageSize);
  });

  it('answers an empty page with the right total past the end', async () => {
    const body = await list('page_size=10&page=50');
    expect(body).toEqual({ items: [], total: COUNT, page: 50, page_size: 10, total_pages: 6, has_next: false, has_prev: true, next_cursor: null });
    const filtered = await list('hometown=hue&page=9');
    expect(filtered).toMatchObject({ items: [], total: all().filter((s) => fold(s.hometown) === 'hue').length, has_next: false });
  });

  it.each(['Hanoi', 'HANOI', 'hanoi', ' hAnOi ', 'Da Nang', 'DA NANG', 'Hue', 'huế', 'HUE\u0302\u0301', 'Nowhere'])(
    'counts hometown=%j case-insensitively',
    async (hometown) => {
      const expected = all().filter((s) => fold(s.hometown) === fold(hometown));
      const items = await walkPages(`hometown=${encodeURIComponent(hometown)}`, 25);
      expect(items.length).toBe(expected.length);
      expect(ids(items).sort()).toEqual(ids(expected).sort());
      if (fold(hometown) === 'hanoi') expect(new Set(items.map((s) => s.hometown)).size).toBe(3); // Hanoi, HANOI, hanoi
    },
  );
});

describe('sorting', () => {
  const nullsLast = (a: number | null, b: number | null) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b);
  const compares: Record<string, (a: Json, b: Json) => number> = {
    student_id: (a, b) => byteOrder(a.student_id, b.student_id),
    first_name: (a, b) => textOrder(a.first_name, b.first_name),
    last_name: (a, b) => textOrder(a.last_name, b.last_name),
    average_score: (a, b) => nullsLast(a.average_score, b.average_score),
    created_at: (a, b) => byteOrder(a.created_at, b.created_at),
  };

  it.each(Object.keys(compares))('orders every student ascending by %s', async (sort) => {
    const items = await walkPages(`sort=${sort}`, 25);
    expect(ids(items).sort()).toEqual(ids(all()).sort());
    expectOrdered(items, compares[sort]!, sort);
  });

  it.each(Object.keys(compares).filter((sort) => sort !== 'average_score'))('orders every student descending by -%s', async (sort) => {
    const items = await walkPages(`sort=-${sort}`, 25);
    expect(ids(items).sort()).toEqual(ids(all()).sort());
    expectOrdered(items, (a, b) => compares[sort]!(b, a), `-${sort}`);
  });

  it('orders -average_score from the best down, with the students without scores kept together', async () => {
    const items = await walkPages('sort=-average_score', 25);
    expect(ids(items).sort()).toEqual(ids(all()).sort());
    const scored = items.filter((s) => s.average_score !== null);
    expectOrdered(scored, (a, b) => b.average_score - a.average_score, '-average_score');
    const nullAt = items.map((s, i) => (s.average_score === null ? i : -1)).filter((i) => i >= 0);
    expect(nullAt.length).toBe(all().filter((s) => s.average_score === null).length);
    expect(nullAt[nullAt.length - 1]! - nullAt[0]!).toBe(nullAt.length - 1); // contiguous
    expect(scored[0].average_score).toBe(10);
  });

  it('puts nulls last in ascending average_score and sorts 9.5 before 10', async () => {
    const items = await walkPages('sort=average_score', 30);
    const firstNull = items.findIndex((s) => s.average_score === null);
    expect(firstNull).toBeGreaterThan(0);
    expect(items.slice(firstNull).every((s) => s.average_score === null)).toBe(true);
    const scores = items.map((s) => s.average_score);
    expect(scores.indexOf(9.5)).toBeLessThan(scores.indexOf(10));
    const lowest = Math.min(
      ...all()
        .filter((s) => s.average_score !== null)
        .map((s) => s.average_score as number),
    );
    expect(items[0].average_score).toBe(lowest);
  });

  it('sorts names case-insensitively (lower-case "emma" among the capitalised names)', async () => {
    const items = await walkPages('sort=first_name', 30);
    const names = items.map((s) => s.first_name as string);
    expect(names.lastIndexOf('emma')).toBeLessThan(names.indexOf('Zoe'));
    expect(names.lastIndexOf('duc')).toBeLessThan(names.indexOf('minh'));
    expect(names.lastIndexOf('An')).toBeLessThan(names.indexOf('duc'));
  });
});

describe('cursor walking', () => {
  it.each([
    'sort=student_id',
    'sort=-average_score',
    'sort=first_name',
    'sort=-created_at',
    'sort=last_name&hometown=hanoi',
    'sort=-first_name&search=campus',
    'sort=average_score&search=n&hometown=DA%20NANG',
  ])('yields every item exactly once, in the order of the page walk (%s)', async (query) => {
    const byCursor = await walkCursor(query, 7);
    const byPage = await walkPages(query, 7);
    expect(ids(byCursor)).toEqual(ids(byPage));
    expect(new Set(ids(byCursor)).size).toBe(byCursor.length);
  });

  it('lets a cursor request repeat the parameters it was issued for', async () => {
    const first = await list('sort=-last_name&page_size=5&hometown=Hanoi&search=Campus');
    const second = await list(`sort=-last_name&page_size=5&hometown=HANOI&search=campus&cursor=${encodeURIComponent(first.next_cursor)}`);
    expect(second.page).toBe(2);
    const byPage = await list('sort=-last_name&page_size=5&hometown=hanoi&search=campus&page=2');
    expect(ids(second.items)).toEqual(ids(byPage.items));
  });
});

describe('search', () => {
  const matches = (term: string) =>
    all().filter((s) => [s.student_id, s.first_name, s.last_name, s.email].some((value) => value?.toLowerCase().includes(term.toLowerCase())));

  it.each(['đặng', 'ĐẶNG', 'élodie', 'l00', 'L05', 'campus.example', 'LEARNER1', 'ngu', 'NG', 'a', 'no-such-text'])(
    'finds %j in id, names or email, case-insensitively, with the right total',
    async (term) => {
      const expected = matches(term);
      const body = await list(`search=${encodeURIComponent(term)}&page_size=100`);
      expect(body.total).toBe(expected.length);
      expect(body.total_pages).toBe(Math.ceil(expected.length / 100));
      expect(ids(body.items).sort()).toEqual(ids(expected).sort());
    },
  );

  it('matches fields in their own right, not across field boundaries', async () => {
    // "L001" + "An": a search spanning both fields must not match.
    const body = await list('search=l001an');
    expect(body.total).toBe(0);
  });

  it('does not match across field boundaries through a control character in the search', async () => {
    const student = model.get('L001')!;
    const spanning = `${student.student_id}\u0001${student.first_name}`.toLowerCase();
    expect(matches(spanning)).toEqual([]);
    const res = await api.request('GET', `${BASE}?search=${encodeURIComponent(spanning)}`);
    // Either refused as invalid input or answered with nothing; never a match on no field.
    if (res.status === 200) expect(res.body.total).toBe(0);
    else expectProblem(res, 422);
  });

  it('combines search with hometown', async () => {
    const expected = matches('campus').filter((s) => fold(s.hometown) === 'hanoi');
    expect(expected.length).toBeGreaterThan(3);
    const items = await walkPages('search=CAMPUS&hometown=Hanoi', 3);
    expect(ids(items).sort()).toEqual(ids(expected).sort());
  });
});

describe('cursor validation', () => {
  let cursor: string;
  beforeAll(async () => {
    cursor = (await list('sort=first_name&page_size=7')).next_cursor;
  });
  const withCursor = (extra: string, value = cursor) => api.request('GET', `${BASE}?cursor=${encodeURIComponent(value)}${extra}`);
  const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

  it.each(['&sort=last_name', '&sort=-first_name', '&page_size=8', '&hometown=hue', '&search=an'])(
    'answers 422 when %s contradicts the cursor',
    async (extra) => {
      const res = await withCursor(extra);
      expectProblem(res, 422);
      expect(errorLocs(res)).toEqual([['query', 'cursor']]);
    },
  );

  it('answers 422 for page and cursor together', async () => {
    const res = await withCursor('&page=2');
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['query', 'page']]);
  });

  it.each([
    ['a tampered body', () => flip(cursor, 3)],
    ['a tampered signature', () => flip(cursor, cursor.length - 3)],
    ['a truncated signature', () => cursor.slice(0, -1)],
    ['no signature', () => cursor.split('.')[0]!],
    ['an extra segment', () => `${cursor}.x`],
    ['garbage', () => 'bm90IGEgY3Vyc29y'],
    ['a signature from another secret', () => new CursorCodec('x'.repeat(40)).encode(JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString()))],
    [
      'another collection (signed with the real secret)',
      () => {
        const payload = JSON.parse(Buffer.from(cursor.split('.')[0]!, 'base64url').toString());
        return new CursorCodec(api.tables.env.CURSOR_SECRET!).encode({ ...payload, e: 'teachers' });
      },
    ],
  ])('answers 422 for %s', async (_label, make) => {
    const res = await withCursor('', make());
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['query', 'cursor']]);
  });

  it('accepts the untouched cursor (the failures above are about the tampering)', async () => {
    const res = await withCursor('');
    expect(res.status).toBe(200);
    expect(res.body.page).toBe(2);
  });
});

describe('counts after writes', () => {
  const count = async (query: string) => (await list(`${query}&page_size=1`)).total as number;

  it('moves a student between hometown counts on update and drops it from every count on delete', async () => {
    const hanoi = all().find((s) => fold(s.hometown) === 'hanoi')!;
    const before = { total: await count('sort=student_id'), hanoi: await count('hometown=hanoi'), hue: await count('hometown=hue') };
    expect(before.total).toBe(COUNT);

    const moved = await api.request('PATCH', `${BASE}/${hanoi.student_id}`, { json: { hometown: 'HUE' } });
    expect(moved.status, moved.text).toBe(200);
    expect({ total: await count('sort=student_id'), hanoi: await count('hometown=hanoi'), hue: await count('hometown=hue') }).toEqual({
      total: before.total,
      hanoi: before.hanoi - 1,
      hue: before.hue + 1,
    });
    expect(ids(await walkPages('hometown=Hue', 25))).toContain(hanoi.student_id);
    expect(ids(await walkPages('hometown=Hanoi', 25))).not.toContain(hanoi.student_id);

    const recased = await api.request('PATCH', `${BASE}/${hanoi.student_id}`, { json: { hometown: 'hue' } });
    expect(recased.status).toBe(200);
    expect(await count('hometown=hue')).toBe(before.hue + 1);

    const cleared = await api.request('PATCH', `${BASE}/${hanoi.student_id}`, { json: { hometown: null } });
    expect(cleared.status).toBe(200);
    expect(await count('hometown=hue')).toBe(before.hue);
    expect(await count('sort=student_id')).toBe(before.total);

    const daNang = all().find((s) => fold(s.hometown) === 'da nang')!;
    const daNangBefore = await count('hometown=da%20nang');
    const deleted = await api.request('DELETE', `${BASE}/${daNang.student_id}`);
    expect(deleted.status).toBe(204);
    expect(await count('sort=student_id')).toBe(before.total - 1);
    expect(await count('hometown=da%20nang')).toBe(daNangBefore - 1);
    expect(ids(await walkPages('sort=student_id', 25))).not.toContain(daNang.student_id);
    expect(await count(`search=${daNang.student_id}`)).toBe(0);
  });
});
