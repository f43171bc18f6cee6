import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from '../../infra/local/local-imports-bucket.js';
import { authorizer, functions, importFunction } from '../../shared/registry.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';

let api: LocalApi;
let imports: LocalImportsBucket;
let dir: string;
const deliveries: Promise<void>[] = [];

beforeAll(async () => {
  bundleFunctions([authorizer, importFunction, ...functions.filter((fn) => fn.id.startsWith('imports-') || fn.id === 'students-list')]);
  dir = mkdtempSync(path.join(tmpdir(), 'imports-api-'));
  imports = await startLocalImportsBucket({ dataDir: dir, port: 0, deliver: (event) => void deliveries.push(invokeImportHandler(event, () => undefined)) });
  Object.assign(process.env, imports.env);
  api = await startLocalApi({ role: 'staff' });
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(deliveries);
  await api?.close();
  await imports?.s3.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function settled(): Promise<void> {
  for (let i = 0; i < 200 && deliveries.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  while (deliveries.length > 0) await Promise.all(deliveries.splice(0));
}

describe('imports over HTTP', () => {
  it('POST returns a presigned PUT; the uploaded file runs as that job; GET shows it with its report', async () => {
    const created = await api.request('POST', '/api/v1/imports', { json: { entity: 'students', filename: 'roster.csv' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ method: 'PUT', import_id: expect.stringMatching(/^imp_/) });
    expect(Date.parse(created.body.expires_at)).toBeGreaterThan(Date.now());
    const lines = ['student_id,first_name,last_name,hometown'];
    for (let i = 0; i < 40; i++) lines.push(`HT${i},Lê,Văn ${i},Sài Gòn`);
    const put = await fetch(created.body.upload_url, { method: 'PUT', body: lines.join('\n') });
    expect(put.status).toBe(200);
    await settled();
    const job = await api.request('GET', `/api/v1/imports/${created.body.import_id}`, { as: 'viewer' });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      import_id: created.body.import_id,
      entity: 'students',
      mode: 'create',
      status: 'completed',
      created: 40,
      errors: 0,
      rows_processed: 40,
    });
    expect(job.body.bytes_processed).toBe(job.body.bytes_total);
    expect(job.body).not.toHaveProperty('checkpoint');
    const report = await fetch(job.body.report_url);
    expect(report.status).toBe(200);
    expect(await report.json()).toMatchObject({ import_id: created.body.import_id, created: 40 });
    const list = await api.request('GET', '/api/v1/students?hometown=S%C3%A0i%20G%C3%B2n', { as: 'viewer' });
    expect(list.body.total).toBe(40);
  });

  it('lists recent jobs newest first with a cursor; a forged cursor is a 422', async () => {
    await api.request('POST', '/api/v1/imports', { json: { entity: 'students', filename: 'a.xlsx', mode: 'upsert' } });
    const first = await api.request('GET', '/api/v1/imports?limit=1', { as: 'viewer' });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ status: 'queued', mode: 'upsert' });
    const second = await api.request('GET', `/api/v1/imports?limit=1&cursor=${first.body.next_cursor}`, { as: 'viewer' });
    expect(second.body.items[0].import_id).not.toBe(first.body.items[0].import_id);
    expect((await api.request('GET', '/api/v1/imports?cursor=bm9wZQ', { as: 'viewer' })).status).toBe(422);
  });

  it('refuses viewers, unknown entities, bad file names and unknown ids with problem+json', async () => {
    expect((await api.request('POST', '/api/v1/imports', { as: 'viewer', json: { entity: 'students', filename: 'r.csv' } })).status).toBe(403);
    const unknown = await api.request('POST', '/api/v1/imports', { json: { entity: 'teachers', filename: 'r.csv' } });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await api.request('POST', '/api/v1/imports', { json: { entity: 'students', filename: '../r.csv' } })).status).toBe(400);
    expect((await api.request('POST', '/api/v1/imports', { json: { entity: 'students', filename: 'r.pdf' } })).status).toBe(400);
    expect((await api.request('GET', '/api/v1/imports/imp_AAAAAAAAAAAAAAAAAAAAAAAA', { as: 'viewer' })).status).toBe(404);
    expect((await api.request('GET', '/api/v1/imports/nope', { as: 'viewer' })).status).toBe(422);
  });
});
