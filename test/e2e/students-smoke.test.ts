import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalGateway } from '../../infra/local/local-gateway.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { startAuthenticatedGateway } from './support/local-api.js';
import { bearer } from './support/tokens.js';

let tables: LocalTables;
let gateway: LocalGateway;

beforeAll(async () => {
  tables = await createLocalTables();
  gateway = await startAuthenticatedGateway();
});
afterAll(async () => {
  await gateway?.close();
  await tables?.drop();
});

describe('students over the local gateway', () => {
  it('creates as staff, reads as viewer and derives fields', async () => {
    const created = await fetch(`${gateway.url}/api/v1/students`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer('staff')) },
      body: JSON.stringify({ student_id: ' s100 ', first_name: 'An', last_name: 'Nguyen', math_score: 8.5, literature_score: 7.5, english_score: 9 }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/students/S100');
    const got = await fetch(`${gateway.url}/api/v1/students/s100`, { headers: await bearer('viewer') });
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    const body = await got.json();
    expect(body).toMatchObject({ student_id: 'S100', full_name: 'An Nguyen', average_score: 8.33, grade: 'Excellent' });
  });
});
