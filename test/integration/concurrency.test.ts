import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from '../e2e/support/local-api.js';
import { expectProblem } from '../e2e/support/problem-assertions.js';

const BASE = '/api/v1/students';
/** Races are repeated: a single lucky interleaving must not make them pass. */
const ROUNDS = 4;

let api: LocalApi;

beforeAll(async () => {
  api = await startLocalApi({ role: 'admin' });
});
afterAll(async () => {
  await api?.close();
});

const create = async (id: string, extra: Record<string, unknown> = {}) => {
  const res = await api.request('POST', BASE, { json: { student_id: id, first_name: 'Race', last_name: 'Condition', ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body;
};
const get = async (id: string) => (await api.request('GET', `${BASE}/${id}`)).body;
const total = async (query = '') => (await api.request('GET', `${BASE}?page_size=1${query}`)).body.total as number;
const patch = (id: string, json: Record<string, unknown>, headers: Record<string, string> = {}) => api.request('PATCH', `${BASE}/${id}`, { json, headers });

describe('concurrent updates without If-Match', () => {
  it.each(Array.from({ length: ROUNDS }, (_, round) => round))('apply both changes and move the hometown counts once (round %i)', async (round) => {
    const id = `RACE-A${round}`;
    await create(id, { hometown: 'Hanoi' });
    const before = { all: await total(), hanoi: await total('&hometown=hanoi'), hue: await total('&hometown=hue'), vinh: await total('&hometown=vinh') };

    const [a, b] = await Promise.all([patch(id, { math_score: 9, hometown: 'Hue' }), patch(id, { english_score: 7, hometown: 'Vinh' })]);
    expect([a!.status, b!.status], `${a!.text} ${b!.text}`).toEqual([200, 200]);
    expect([a!.body.version, b!.body.version].sort()).toEqual([2, 3]);

    const final = await get(id);
    expect(final).toMatchObject({ version: 3, math_score: 9, english_score: 7, average_score: 8 });
    const winner = a!.body.version === 3 ? a! : b!;
    expect(final.hometown).toBe(winner.body.hometown);

    const after = { all: await total(), hanoi: await total('&hometown=hanoi'), hue: await total('&hometown=hue'), vinh: await total('&hometown=vinh') };
    expect(after).toEqual({
      all: before.all,
      hanoi: before.hanoi - 1,
      hue: before.hue + (final.hometown === 'Hue' ? 1 : 0),
      vinh: before.vinh + (final.hometown === 'Vinh' ? 1 : 0),
    });
  });

  it('apply three racing changes to three fields (within the retry budget)', async () => {
    const id = 'RACE-B';
    await create(id);
    const results = await Promise.all([patch(id, { math_score: 6 }), patch(id, { literature_score: 7 }), patch(id, { english_score: 8 })]);
    expect(results.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(results.map((res) => res.body.version).sort()).toEqual([2, 3, 4]);
    expect(await get(id)).toMatchObject({ version: 4, math_score: 6, literature_score: 7, english_score: 8, average_score: 7, grade: 'Good' });
  });
});

describe('concurrent updates with the same If-Match', () => {
  it.each(Array.from({ length: ROUNDS }, (_, round) => round))('let exactly one win and answer 412 to the other (round %i)', async (round) => {
    const id = `RACE-C${round}`;
    await create(id, { hometown: 'Hanoi' });
    const before = { hanoi: await total('&hometown=hanoi'), hue: await total('&hometown=hue'), vinh: await total('&hometown=vinh') };

    const results = await Promise.all([
      patch(id, { first_name: 'Alpha', hometown: 'Hue' }, { 'if-match': '"1"' }),
      patch(id, { first_name: 'Beta', hometown: 'Vinh' }, { 'if-match': '"1"' }),
    ]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses, results.map((res) => res.text).join('\n')).toEqual([200, 412]);
    const winner = results.find((res) => res.status === 200)!;
    expectProblem(results.find((res) => res.status === 412)!, 412);

    const final = await get(id);
    expect(final).toMatchObject({ version: 2, first_name: winner.body.first_name, hometown: winner.body.hometown });
    expect({ hanoi: await total('&hometown=hanoi'), hue: await total('&hometown=hue'), vinh: await total('&hometown=vinh') }).toEqual({
      hanoi: before.hanoi - 1,
      hue: before.hue + (final.hometown === 'Hue' ? 1 : 0),
      vinh: before.vinh + (final.hometown === 'Vinh' ? 1 : 0),
    });
  });
});

describe('concurrent creates and deletes', () => {
  it('count every one of many racing creates exactly once', async () => {
    const before = { all: await total(), town: await total('&hometown=racetown') };
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        api.request('POST', BASE, { json: { student_id: `MANY-${i}`, first_name: 'Many', last_name: 'Racers', hometown: i % 2 ? 'Racetown' : 'RACETOWN' } }),
      ),
    );
    expect(results.map((res) => res.status)).toEqual(Array(16).fill(201));
    expect({ all: await total(), town: await total('&hometown=racetown') }).toEqual({ all: before.all + 16, town: before.town + 16 });
  });

  it('create one of two racing creates of the same id and answer 409 to the other', async () => {
    const before = await total();
    const results = await Promise.all(
      ['First', 'Second'].map((name) => api.request('POST', BASE, { json: { student_id: 'SAME-01', first_name: name, last_name: 'Racer' } })),
    );
    expect(results.map((res) => res.status).sort()).toEqual([201, 409]);
    expect((await get('SAME-01')).first_name).toBe(results.find((res) => res.status === 201)!.body.first_name);
    expect(await total()).toBe(before + 1);
  });

  it('delete once when two deletes race, and decrement the counts once', async () => {
    await create('GONE-01', { hometown: 'Deltown' });
    const before = { all: await total(), town: await total('&hometown=deltown') };
    const results = await Promise.all([api.request('DELETE', `${BASE}/GONE-01`), api.request('DELETE', `${BASE}/GONE-01`)]);
    expect(results.map((res) => res.status).sort()).toEqual([204, 404]);
    expect({ all: await total(), town: await total('&hometown=deltown') }).toEqual({ all: before.all - 1, town: before.town - 1 });
  });

  it('never resurrects a student that a racing delete removed', async () => {
    await create('GONE-02', { hometown: 'Deltown' });
    const before = await total();
    const [patched, deleted] = await Promise.all([patch('GONE-02', { math_score: 5 }), api.request('DELETE', `${BASE}/GONE-02`)]);
    expect(deleted!.status).toBe(204);
    expect([200, 404]).toContain(patched!.status);
    expect((await api.request('GET', `${BASE}/GONE-02`)).status).toBe(404);
    expect(await total()).toBe(before - 1);
  });
});
