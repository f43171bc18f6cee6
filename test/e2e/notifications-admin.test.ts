import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxFileChannel } from '../../shared/notifications/outbox-file-channel.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';

let api: LocalApi;
const dir = mkdtempSync(path.join(tmpdir(), 'notifications-e2e-'));
const file = path.join(dir, 'outbox.jsonl');

const message = (n: number, channel: 'email' | 'push' | 'sms') => ({
  channel,
  to: `cust-${n}@customers.local`,
  order_id: `ord_${n % 3}`,
  event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  event_type: 'order.completed',
  renderer: 'classic' as const,
  subject: `Order ord_${n % 3} completed`,
  body: 'Thank you.',
});

beforeAll(async () => {
  // What the notification-send consumer writes locally: the real channel adapter, 30 sends.
  const channel = outboxFileChannel(file);
  for (let n = 0; n < 30; n++) await channel.send(message(n, n % 5 === 0 ? 'sms' : 'email'));
  appendFileSync(file, '{"channel": "email", "to"'); // a send in progress: torn last line
  process.env.NOTIFICATIONS_OUTBOX_FILE = file;
  api = await startLocalApi({ role: 'admin' });
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/admin/notifications', () => {
  it('lists the newest notifications first, 20 by default', async () => {
    const res = await api.request('GET', '/api/v1/admin/notifications');
    expect(res.status, res.text).toBe(200);
    expect(res.body.enabled).toBe(true);
    expect(res.body.notifications).toHaveLength(20);
    expect(res.body.notifications[0]).toMatchObject({ ...message(29, 'email'), sent_at: expect.any(String) });
    expect(res.body.notifications[19].event_id).toBe(message(10, 'email').event_id);
  });

  it('filters by channel and order before taking the newest', async () => {
    const sms = await api.request('GET', '/api/v1/admin/notifications?channel=sms&limit=100');
    expect(sms.body.notifications.map((n: { event_id: string }) => n.event_id)).toEqual([25, 20, 15, 10, 5, 0].map((n) => message(n, 'sms').event_id));
    const order = await api.request('GET', '/api/v1/admin/notifications?order_id=ord_1&limit=3');
    expect(order.body.notifications.map((n: { order_id: string }) => n.order_id)).toEqual(['ord_1', 'ord_1', 'ord_1']);
    expect(order.body.notifications[0].event_id).toBe(message(28, 'email').event_id);
  });

  it('refuses a bad limit or channel with 422 and non-admins with 403', async () => {
    expectProblem(await api.request('GET', '/api/v1/admin/notifications?limit=0'), 422);
    expectProblem(await api.request('GET', '/api/v1/admin/notifications?limit=101'), 422);
    expectProblem(await api.request('GET', '/api/v1/admin/notifications?channel=pigeon'), 422);
    expectProblem(await api.request('GET', '/api/v1/admin/notifications', { as: 'staff' }), 403);
  });
});
