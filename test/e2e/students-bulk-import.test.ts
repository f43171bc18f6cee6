import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { Role } from '../../shared/auth/role.js';
import { authorizer, functions } from '../../shared/registry.js';
import { type ApiResponse, type LocalApi, startLocalApi } from './support/local-api.js';
import { expectProblem } from './support/problem-assertions.js';
import { bearer } from './support/tokens.js';

const ROUTE = '/api/v1/students/bulk-import';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let api: LocalApi;

beforeAll(async () => {
  bundleFunctions([authorizer, ...functions.filter((fn) => fn.id === 'students-bulk-import' || fn.id === 'students-get' || fn.id === 'imports-get')]);
  api = await startLocalApi({ role: 'staff' });
}, 60_000);
afterAll(async () => {
  await api?.close();
});

/** POST a body of any kind (fetch sets the multipart boundary for FormData). */
async function upload(body: NonNullable<RequestInit['body']>, options: { type?: string; role?: Role; query?: string } = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(await bearer(options.role ?? 'staff')), ...(options.type ? { 'content-type': options.type } : {}) };
  const res = await fetch(`${api.url}${ROUTE}${options.query ?? ''}`, { method: 'POST', headers, body });
  const text = await res.text();
  const isJson = /json/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, headers: res.headers, text, body: isJson && text !== '' ? JSON.parse(text) : undefined };
}

function form(content: string | Blob, filename: string, type = 'text/csv'): FormData {
  const data = new FormData();
  data.append('note', 'roster of class 10A');
  data.append('file', content instanceof Blob ? content : new Blob([content], { type }), filename);
  return data;
}

const student = (id: string) => api.request('GET', `/api/v1/students/${encodeURIComponent(id)}`, { as: 'viewer' });

describe('POST /api/v1/students/bulk-import (direct upload)', () => {
  it('imports a multipart CSV synchronously in the original shape and records the job', async () => {
    const csv = ['Student ID,First Name,Last Name,Hometown,Math', 'mp1,Nguyễn,Thị Hương,Huế,8.5', 'MP2,Trần,Văn Bình,,11'].join('\r\n');
    const res = await upload(form(csv, 'roster.csv'));
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['created', 'error_details', 'errors', 'import_id', 'skipped', 'total_rows', 'updated']);
    expect(res.body).toMatchObject({
      import_id: expect.stringMatching(/^imp_/),
      total_rows: 2,
      created: 2,
      updated: 0,
      skipped: 0,
      errors: 0,
      error_details: [],
    });
    expect((await student('MP1')).body).toMatchObject({ first_name: 'Nguyễn', last_name: 'Thị Hương', hometown: 'Huế', math_score: 8.5 });
    expect((await student('MP2')).body).toMatchObject({ hometown: 'Unknown', math_score: null });
    const job = await api.request('GET', `/api/v1/imports/${res.body.import_id}`, { as: 'viewer' });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ entity: 'students', status: 'completed', mode: 'create', created: 2, source: { door: 'direct', key: 'roster.csv' } });
  });

  it('imports a raw text/csv body; mode=upsert updates, the default create reports existing ids', async () => {
    const first = await upload('student_id;first_name;last_name\nRAW1;An;Lê\nRAW2;Bảo;Phạm\n', { type: 'text/csv; charset=utf-8' });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ total_rows: 2, created: 2, errors: 0 });
    const again = await upload('student_id;first_name;last_name\nRAW1;An;Lê\n', { type: 'text/csv' });
    expect(again.body).toMatchObject({
      created: 0,
      errors: 1,
      error_details: [{ row: 2, student_id: 'RAW1', message: expect.stringContaining('already exists') }],
    });
    const upsert = await upload('student_id;first_name;last_name\nRAW1;Ân;Lê Văn\n', { type: 'text/csv', query: '?mode=upsert' });
    expect(upsert.body).toMatchObject({ created: 0, updated: 1, errors: 0 });
    expect((await student('RAW1')).body).toMatchObject({ first_name: 'Ân', last_name: 'Lê Văn' });
    expect((await upload('student_id,first_name,last_name\nX,Y,Z\n', { type: 'text/csv', query: '?mode=merge' })).status).toBe(422);
  });

  it('imports an XLSX, raw and as a multipart part', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('students');
    sheet.addRow(['student_id', 'first_name', 'last_name', 'email', 'english_score']);
    sheet.addRow([1001, 'Đặng', 'Thùy Dương', 'duong@example.edu.vn', 9.25]);
    sheet.addRow(['X1002', 'Võ', 'Minh Khôi', null, 7]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const raw = await upload(bytes, { type: XLSX_TYPE });
    expect(raw.status, raw.text).toBe(200);
    expect(raw.body).toMatchObject({ total_rows: 2, created: 2, errors: 0 });
    expect((await student('1001')).body).toMatchObject({ first_name: 'Đặng', last_name: 'Thùy Dương', english_score: 9.25 });
    const part = await upload(form(new Blob([bytes], { type: XLSX_TYPE }), 'roster.xlsx'), { query: '?mode=upsert' });
    expect(part.status, part.text).toBe(200);
    expect(part.body).toMatchObject({ total_rows: 2, updated: 2, created: 0 });
  });

  it('reports row errors with spreadsheet row numbers and skips duplicates of a file', async () => {
    const csv = ['student_id,first_name,last_name,math_score', 'D1,Lan,Ngô,7', 'D2,,Hồ,5', 'D1,Lan,Again,9', 'D3,Mai,Lý,abc', ',No,Id,1'].join('\n');
    const res = await upload(form(csv, 'dirty.csv'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ total_rows: 5, created: 2, skipped: 1, errors: 2 });
    expect(res.body.error_details).toEqual([
      expect.objectContaining({ row: 3, student_id: 'D2', field: 'first_name' }),
      expect.objectContaining({ row: 6, field: 'student_id' }),
    ]);
    expect((await student('D1')).body).toMatchObject({ last_name: 'Ngô' });
    expect((await student('D3')).body).toMatchObject({ math_score: null });
    expect((await student('D2')).status).toBe(404);
    const job = await api.request('GET', `/api/v1/imports/${res.body.import_id}`, { as: 'viewer' });
    expect(job.body).toMatchObject({ status: 'completed_with_errors', errors: 2, skipped: 1 });
  });

  it('refuses a file missing required columns, naming them, and writes nothing', async () => {
    const res = await upload('student_id,hometown\nMC1,Huế\n', { type: 'text/csv' });
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/first_name/);
    expect(res.body.detail).toMatch(/last_name/);
    expect((await student('MC1')).status).toBe(404);
  });

  it('answers 413 over 5 MB, pointing to the presigned upload', async () => {
    const row = 'BIG0000000,Nguyễn Văn,Trần Thị Hương Giang,Thành phố Hồ Chí Minh\n';
    const csv = `student_id,first_name,last_name,hometown\n${row.repeat(Math.ceil((5.2 * 1024 * 1024) / Buffer.byteLength(row)))}`;
    for (const res of [await upload(csv, { type: 'text/csv' }), await upload(form(csv, 'big.csv'))]) {
      expectProblem(res, 413);
      expect(res.body.detail).toContain('POST /api/v1/imports');
    }
    expect((await student('BIG0000000')).status).toBe(404);
  });

  it('a file too slow to import within the request stops at a checkpoint: 413 to the presigned upload, job failed, no 5xx', async () => {
    const lines = ['student_id,first_name,last_name,hometown'];
    for (let i = 0; i < 60_000; i++) lines.push(`SL${i},Nguyễn,Văn ${i},Huế`);
    const res = await upload(lines.join('\n'), { type: 'text/csv' });
    // A fast machine imports it all; a slow one (DynamoDB Local under load) runs out of time.
    if (res.status === 200) {
      expect(res.body).toMatchObject({ created: 60_000, errors: 0 });
      return;
    }
    expectProblem(res, 413);
    expect(res.body.detail).toContain('POST /api/v1/imports');
    const importId = /job (imp_[\w-]+)/.exec(res.body.detail)![1];
    const job = await api.request('GET', `/api/v1/imports/${importId}`, { as: 'viewer' });
    expect(job.body).toMatchObject({ status: 'failed', message: res.body.detail });
    const listed = await api.request('GET', '/api/v1/students?limit=1', { as: 'viewer' });
    expect(listed.body.total).toBeGreaterThan(0);
  }, 60_000);

  it('answers 415 to other content types and 400 to a form without a file', async () => {
    const json = await api.request('POST', ROUTE, { json: { student_id: 'J1' } });
    expectProblem(json, 415);
    expectProblem(await upload('%PDF-1.4', { type: 'application/pdf' }), 415);
    const noFile = new FormData();
    noFile.append('name', 'x');
    expectProblem(await upload(noFile), 400);
    expectProblem(await upload(form('%PDF', 'scan.pdf', 'application/pdf')), 400);
  });

  it('refuses viewers with 403', async () => {
    const res = await upload('student_id,first_name,last_name\nV1,A,B\n', { type: 'text/csv', role: 'viewer' });
    expectProblem(res, 403);
    expect((await student('V1')).status).toBe(404);
  });
});
