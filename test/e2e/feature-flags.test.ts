import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';

let api: LocalApi;
const dir = mkdtempSync(path.join(tmpdir(), 'flags-e2e-'));
const file = path.join(dir, 'flags.json');
const saveFlags = (document: unknown) => writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));

beforeAll(async () => {
  saveFlags({ push_notifications: { enabled: true, allow: ['u-push'] }, sms_for_important: { enabled: true, percentage: 10 } });
  process.env.FLAGS_FILE = file;
  api = await startLocalApi({ role: 'admin' });
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feature flags over HTTP', () => {
  it('lists every declared flag with its live rules and their source', async () => {
    const res = await api.request('GET', '/api/v1/admin/flags');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.source).toBe(`file:${file}`);
    expect(res.body.error).toBeNull();
    const byName = Object.fromEntries(res.body.flags.map((flag: { name: string }) => [flag.name, flag]));
    expect(Object.keys(byName)).toEqual(['push_notifications', 'new_notification_pipeline', 'sms_for_important']);
    expect(byName.push_notifications.rules).toEqual({ enabled: true, allow: ['u-push'], deny: [], roles: [] });
    expect(byName.new_notification_pipeline.rules).toBeNull();
    expect(byName.new_notification_pipeline.default).toBe(false);
  });

  it('evaluates every flag for a user, with the reason', async () => {
    const res = await api.request('GET', '/api/v1/flags/evaluate?user_id=u-push');
    expect(res.status, res.text).toBe(200);
    expect(res.body.flags.push_notifications).toEqual({ value: true, reason: 'allow' });
    expect(res.body.flags.new_notification_pipeline).toEqual({ value: false, reason: 'default' });
    expect(res.body.flags.sms_for_important.reason).toBe('rollout');
    const other = await api.request('GET', '/api/v1/flags/evaluate?user_id=someone-else&role=staff');
    expect(other.body.flags.push_notifications).toEqual({ value: false, reason: 'not_targeted' });
    expect(other.body.role).toBe('staff');
  });

  it('picks up an edit of the flags file without a restart, and keeps the last good rules on a bad edit', async () => {
    saveFlags({ push_notifications: { enabled: false }, new_notification_pipeline: { enabled: true } });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const edited = await api.request('GET', '/api/v1/flags/evaluate?user_id=u-push');
    expect(edited.body.flags.push_notifications).toEqual({ value: false, reason: 'disabled' });
    expect(edited.body.flags.new_notification_pipeline).toEqual({ value: true, reason: 'global' });

    saveFlags('{ "push_notifications": { "enabled": tr');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const listed = await api.request('GET', '/api/v1/admin/flags');
    expect(listed.body.error).toMatch(/^not JSON/);
    const kept = await api.request('GET', '/api/v1/flags/evaluate?user_id=u-push');
    expect(kept.body.flags.new_notification_pipeline).toEqual({ value: true, reason: 'global' });
  });

  it('refuses a missing user id with 422 and non-admins with 403', async () => {
    expectProblem(await api.request('GET', '/api/v1/flags/evaluate'), 422);
    expectProblem(await api.request('GET', '/api/v1/flags/evaluate?user_id=u1&role=root'), 422);
    expectProblem(await api.request('GET', '/api/v1/admin/flags', { as: 'staff' }), 403);
    expectProblem(await api.request('GET', '/api/v1/flags/evaluate?user_id=u1', { as: 'viewer' }), 403);
  });
});
