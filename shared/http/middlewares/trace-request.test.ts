import { describe, expect, it, vi } from 'vitest';

// As in a Lambda container with active tracing: the tracer reads the environment when it loads, before the imports below.
await vi.hoisted(() => import('../../../test/support/lambda-tracing-env.js'));

import * as z from 'zod/mini';
import { apiGatewayV2Event } from '../../../test/support/api-gateway-v2-event.js';
import { type RecordedSubsegment, withTestSegment } from '../../../test/support/xray-test-segment.js';
import { NotFoundError } from '../../errors/app-error.js';
import { tracer } from '../../powertools/tracer.js';
import { createHttpHandler } from '../create-http-handler.js';
import { lambdaContext } from '../../../infra/local/lambda-invoker.js';

const ORDER = 'ord_01JD5M3F8Q2R7T9V4W6X8Y0Z1A';
const EMAIL = 'linh.nguyen@example.edu';
/** Every key an annotation may have: Powertools' own two plus the platform's (trace-annotations.ts). */
const ALLOWED_KEYS = ['ColdStart', 'Service', 'entity', 'operation', 'order_id', 'import_id', 'consumer', 'event_type', 'error_code'];

function ordersGet(handle: (orderId: string) => Promise<unknown>) {
  return createHttpHandler({
    declaration: { id: 'orders-get', cacheControl: 'no-store', permission: 'public' },
    input: { path: z.object({ order_id: z.string() }) },
    handle: async (request) => ({ statusCode: 200, body: await handle(request.path.order_id) }),
  });
}

async function invoke(handler: ReturnType<typeof ordersGet>, path = `/api/v1/orders/${ORDER}`, headers: Record<string, string> = {}) {
  let status = 0;
  const [handlerSegment, ...others] = await withTestSegment(async () => {
    const event = { ...apiGatewayV2Event({ path, route: '/api/v1/orders/{order_id}', headers }), pathParameters: { order_id: path.split('/').at(-1)! } };
    status = (await handler(event, lambdaContext({ id: 'orders-get' }, Date.now() + 10_000))).statusCode ?? 0;
  });
  expect(others).toEqual([]);
  return { status, segment: handlerSegment as RecordedSubsegment };
}

describe('traceRequest (through the real handler chain, with a real X-Ray segment)', () => {
  it('annotates the handler subsegment with entity, operation and the order id', async () => {
    expect(tracer.isTracingEnabled()).toBe(true);
    const { status, segment } = await invoke(ordersGet(async (id) => ({ order_id: id, status: 'pending' })));
    expect(status).toBe(200);
    expect(segment.name).toBe('## index.handler');
    expect(segment.annotations).toMatchObject({
      entity: 'orders',
      operation: 'get',
      order_id: ORDER,
      Service: expect.any(String),
      ColdStart: expect.any(Boolean),
    });
    expect(segment).toMatchObject({ fault: false, error: false, exceptions: [] });
  });

  it('takes entity and operation from a declared entity operation', async () => {
    const handler = createHttpHandler({
      declaration: { id: 'students-create', cacheControl: 'no-store', permission: 'public', operation: { entity: 'students', name: 'create' } },
      handle: async () => ({ statusCode: 201, body: { student_id: 'S001' } }),
    });
    const [segment] = await withTestSegment(() =>
      handler(apiGatewayV2Event({ method: 'POST', path: '/api/v1/students' }), lambdaContext({ id: 'students-create' }, Date.now() + 10_000)),
    );
    expect(segment!.annotations).toMatchObject({ entity: 'students', operation: 'create' });
    // A student id is not an annotation (only order and import ids are).
    expect(Object.values(segment!.annotations)).not.toContain('S001');
  });

  it('annotates the id a created resource gets from the answer (POST /orders knows it only then)', async () => {
    const handler = createHttpHandler({
      declaration: { id: 'orders-create', cacheControl: 'no-store', permission: 'public' },
      handle: async () => ({ statusCode: 202, body: { order_id: ORDER, status: 'pending' } }),
    });
    const [segment] = await withTestSegment(() =>
      handler(apiGatewayV2Event({ method: 'POST', path: '/api/v1/orders' }), lambdaContext({ id: 'orders-create' }, Date.now() + 10_000)),
    );
    expect(segment!.annotations).toMatchObject({ entity: 'orders', operation: 'create', order_id: ORDER });
  });

  it('flags a 4xx as an error with its code, not as a fault with an exception', async () => {
    const { status, segment } = await invoke(
      ordersGet(async () => {
        throw new NotFoundError('order.notFound', `no order for ${EMAIL}`);
      }),
    );
    expect(status).toBe(404);
    expect(segment).toMatchObject({ error: true, fault: false, exceptions: [] });
    expect(segment.annotations).toMatchObject({ error_code: 'order.notFound', order_id: ORDER });
  });

  it('records a 5xx on the subsegment as a fault with its exception', async () => {
    const { status, segment } = await invoke(
      ordersGet(async () => {
        throw new Error('DynamoDB exploded');
      }),
    );
    expect(status).toBe(500);
    expect(segment.fault).toBe(true);
    expect(segment.exceptions).toEqual([expect.objectContaining({ message: 'DynamoDB exploded' })]);
  });

  it('puts no personal data in an annotation, whatever the request carries', async () => {
    const { segment } = await invoke(
      ordersGet(async (id) => ({ order_id: id, customer_email: EMAIL, customer_name: 'Nguyễn Linh', customer_id: 'cust_42' })),
      `/api/v1/orders/${ORDER}`,
      { 'x-correlation-id': 'flow-0123456789abcdef', authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'x-user-email': EMAIL },
    );
    expect(segment.annotations.order_id).toBe(ORDER);
    expect(Object.keys(segment.annotations).filter((key) => !ALLOWED_KEYS.includes(key))).toEqual([]);
    const values = JSON.stringify(segment.annotations);
    for (const secret of [EMAIL, 'Nguy', 'cust_42', 'eyJ', 'flow-0123']) expect(values).not.toContain(secret);
  });

  it('does not annotate an order id that is not id-like (a hostile path)', async () => {
    const { segment } = await invoke(
      ordersGet(async () => ({})),
      `/api/v1/orders/${encodeURIComponent(EMAIL)}`,
    );
    expect(segment.annotations).not.toHaveProperty('order_id');
  });
});
