import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/auth/role.js';
import { apiGatewayV2Event } from '../support/api-gateway-v2-event.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

/**
 * `functions/students/bulk.ts` and `functions/products/bulk.ts` through the whole middy chain
 * on DynamoDB Local: the route's own permission (staff updates, admin deletes), the 422s of
 * the body (where required, set checked against the writable fields) and a real run.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let tables: LocalTables;
let studentsBulk: Handler;
let productsBulk: Handler;
let studentsCreate: Handler;

const context = { awsRequestId: 'bulk-req', functionName: 'students-bulk', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

function event(path: string, role: Role | null, body: unknown): APIGatewayProxyEventV2 {
  const base = apiGatewayV2Event({ method: 'POST', path, headers: { 'content-type': 'application/json' } });
  return {
    ...base,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: {
      ...base.requestContext,
      ...(role ? { authorizer: { lambda: { principal: JSON.stringify({ sub: `bulk-${role}`, role, method: 'jwt', jti: `j-${role}` }) } } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

async function call(handler: Handler, path: string, role: Role | null, body: unknown) {
  const res = await handler(event(path, role, body), context);
  return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(res.body ?? 'null') };
}
const locs = (body: { errors?: { loc: unknown[] }[] }) => (body.errors ?? []).map((error) => error.loc.join('.'));

beforeAll(async () => {
  tables = await createLocalTables();
  delete process.env.REDIS_URL;
  ({ handler: studentsBulk } = (await import('../../functions/students/bulk.js')) as unknown as { handler: Handler });
  ({ handler: productsBulk } = (await import('../../functions/products/bulk.js')) as unknown as { handler: Handler });
  ({ handler: studentsCreate } = (await import('../../functions/students/create.js')) as unknown as { handler: Handler });
  for (const id of ['HB1', 'HB2', 'HB3']) {
    const created = await call(studentsCreate, '/api/v1/students', 'staff', { student_id: id, first_name: 'Handler', last_name: 'Bulk', hometown: 'Hue' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
});
afterAll(async () => {
  await tables?.drop();
});

const UPDATE = '/api/v1/students/bulk-update';
const DELETE = '/api/v1/students/bulk-delete';
const mine = { student_id: { begins_with: 'HB' } };

describe('POST /api/v1/students/bulk-update and bulk-delete', () => {
  it('answers 403 to a viewer on both routes and to staff on bulk-delete, before looking at the body', async () => {
    for (const [path, role] of [
      [UPDATE, 'viewer'],
      [DELETE, 'viewer'],
      [DELETE, 'staff'],
    ] as const) {
      const res = await call(studentsBulk, path, role, { where: {} });
      expect(res.status, `${role} ${path}`).toBe(403);
      expect(res.body.code).toBe('auth.insufficientRole');
    }
    expect((await call(studentsBulk, UPDATE, null, { where: mine, set: { hometown: 'X' } })).status).toBe(401);
  });

  it.each([
    ['an unknown where field', DELETE, { where: { shoe: { eq: 1 } } }, ['body.where.shoe']],
    ['a missing set', UPDATE, { where: mine }, ['body.set']],
    ['an empty set', UPDATE, { where: mine, set: {} }, ['body.set']],
    ['an unknown set field', UPDATE, { where: mine, set: { shoe_size: 40 } }, ['body.set.shoe_size']],
    ['a set of the wrong type', UPDATE, { where: mine, set: { math_score: 'ten' } }, ['body.set.math_score']],
    ['a set value out of range', UPDATE, { where: mine, set: { math_score: 11 } }, ['body.set.math_score']],
    ['a set of the key', UPDATE, { where: mine, set: { student_id: 'HB9' } }, ['body.set.student_id']],
    ['a set on the delete route', DELETE, { where: mine, set: { hometown: 'X' } }, ['body.set']],
    ['a limit above 1000', DELETE, { where: mine, limit: 1001 }, ['body.limit']],
    ['a forged cursor', DELETE, { where: mine, cursor: 'abc.def' }, ['body.cursor']],
  ])('answers 422 problem+json located at the part for %s', async (_name, path, body, expected) => {
    const res = await call(studentsBulk, path, 'admin', body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locs(res.body)).toEqual(expected);
  });

  it.each([
    ['a missing where', UPDATE, { set: { hometown: 'Hue' } }],
    ['a null where', DELETE, { where: null }],
    ['an empty where', DELETE, { where: {} }],
    ['an empty list as where', UPDATE, { where: [], set: { hometown: 'Hue' } }],
  ])('answers 400 bulk.whereRequired to %s: a bulk operation never means "everything" by omission', async (_name, path, body) => {
    const res = await call(studentsBulk, path, 'admin', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'bulk.whereRequired', detail: expect.stringContaining('{"student_id":{"exists":true}}') });
  });

  it('answers 400 to malformed JSON, never a 5xx', async () => {
    const res = await call(studentsBulk, DELETE, 'admin', '{"where":');
    expect(res.status).toBe(400);
  });

  it('refuses the read-only stock fields of products in set, with the read-only message', async () => {
    const res = await call(productsBulk, '/api/v1/products/bulk-update', 'staff', { where: { sku: { exists: true } }, set: { stock_available: 5 } });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ loc: ['body', 'set', 'stock_available'], type: 'read_only_field' })]);
  });

  it('lets staff dry-run and update, and admin delete, with the plan in X-Query-Plan', async () => {
    const dry = await call(studentsBulk, UPDATE, 'staff', { where: mine, set: { hometown: 'Hanoi' }, dry_run: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toEqual({ matched: 3, updated: 0, unchanged: 0, skipped: 0, failed: [], dry_run: true, cursor: null });
    // A begins_with on the id, a declared sort: its index with the prefix as key condition.
    expect(dry.headers['x-query-plan']).toBe('index(all_by_student_id, shards=20, begins_with=student_id)');
    expect(dry.headers['cache-control']).toBe('no-store');
    const updated = await call(studentsBulk, UPDATE, 'staff', { where: mine, set: { hometown: 'Hanoi' } });
    expect(updated.body).toMatchObject({ matched: 3, updated: 3 });
    const deleted = await call(studentsBulk, `${DELETE}/`, 'admin', { where: { and: [mine, { hometown: { eq: 'Hanoi' } }] } });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body).toEqual({ matched: 3, deleted: 3, skipped: 0, failed: [], dry_run: false, cursor: null });
    expect(deleted.headers['x-query-plan']).toMatch(/^index\(hometown_by_student_id, shards=\d+, begins_with=student_id\)$/);
  });
});
