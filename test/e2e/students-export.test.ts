import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreNeutralised } from '../../shared/export/neutralise-formula.js';
import { exportColumns } from '../../shared/export/export-columns.js';
import { students } from '../../shared/students/students.entity.js';
import { expectProblem } from './support/problem-assertions.js';
import { inBatches, type Json, type LocalApi, startLocalApi } from './support/local-api.js';
import { bearer } from './support/tokens.js';

const TOWNS = ['Huế', 'Hà Nội', 'Đà Nẵng', null];
const NAMES = ['Nguyễn', '=HYPERLINK("http://x")', 'Trần "Bé"', '@Lê', 'Phạm, Văn', '-Đặng'];
const score = (i: number, k: number) => (i % 7 === k ? null : ((i * (3 + k)) % 41) / 4);
const seed = Array.from({ length: 30 }, (_, i) => ({
  student_id: `EX${String(i).padStart(3, '0')}`,
  first_name: NAMES[i % NAMES.length],
  last_name: `Thị Hương ${i}`,
  email: i % 4 === 0 ? null : `s${i}@example.edu.vn`,
  hometown: TOWNS[i % TOWNS.length],
  math_score: score(i, 0),
  literature_score: score(i, 1),
  english_score: score(i, 2),
}));

let api: LocalApi;
/** Every student as the list API returns them (the export must hold exactly these). */
let listed: Json[];

beforeAll(async () => {
  api = await startLocalApi({ role: 'viewer' });
  await inBatches(seed, 4, async (student) => {
    const res = await api.request('POST', '/api/v1/students', { json: student, as: 'staff' });
    expect(res.status, res.text).toBe(201);
  });
  listed = [];
  for (let page = 1; ; page++) {
    const res = await api.request('GET', `/api/v1/students?page_size=100&page=${page}`);
    listed.push(...res.body.items);
    if (!res.body.has_next) break;
  }
  expect(listed).toHaveLength(seed.length);
}, 120_000);
afterAll(async () => {
  await api?.close();
});

/** A raw GET (binary bodies must not pass through text decoding). */
async function download(path: string) {
  const res = await fetch(`${api.url}${path}`, { headers: await bearer('viewer') });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

const columns = exportColumns(students);
const project = (item: Json) => Object.fromEntries(columns.map((c) => [c.field, item[c.field] ?? null]));

describe('GET /api/v1/students/export', () => {
  it('answers CSV as an attachment holding exactly the listed students', async () => {
    const { res, bytes } = await download('/api/v1/students/export?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="students-\d{8}-\d{6}\.csv"$/);
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = Papa.parse<string[]>(text.slice(1), { delimiter: ',', skipEmptyLines: true }).data;
    expect(header).toEqual(columns.map((c) => c.field));
    const read = rows.map((row) =>
      Object.fromEntries(columns.map((c, i) => [c.field, row[i] === '' ? null : c.type === 'number' ? Number(row[i]) : restoreNeutralised(row[i]!)])),
    );
    expect(read).toEqual(listed.map(project));
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
  });

  it('answers XLSX with a Students and a Summary sheet (also as the original /api/v1/export?format=excel)', async () => {
    const stats = (await api.request('GET', '/api/v1/students/statistics')).body;
    for (const path of ['/api/v1/students/export?format=xlsx', '/api/v1/export?format=excel']) {
      const { res, bytes } = await download(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers.get('content-disposition')).toMatch(/filename="students-.*\.xlsx"/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as never);
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Students', 'Summary']);
      const sheet = workbook.getWorksheet('Students')!;
      expect(sheet.rowCount).toBe(seed.length + 1);
      expect(sheet.getRow(2).getCell(1).value).toBe(listed[0].student_id);
      const summary: Record<string, unknown> = {};
      workbook.getWorksheet('Summary')!.eachRow((row) => {
        summary[String(row.getCell(1).value)] = row.getCell(2).value;
      });
      expect(summary).toEqual({
        Metric: 'Value',
        'Total Students': seed.length,
        'Average Score': stats.overall_average,
        Excellent: stats.grade_distribution.Excellent,
        Good: stats.grade_distribution.Good,
        Average: stats.grade_distribution.Average,
        'Below Average': stats.grade_distribution['Below Average'],
      });
    }
  });

  it('answers well-formed XML, narrowed by the same hometown filter as the list', async () => {
    const { res, bytes } = await download(`/api/v1/students/export?format=xml&hometown=${encodeURIComponent('huế')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const ids: string[] = [];
    let inId = false;
    const parser = new SaxesParser();
    parser.on('opentag', (tag) => void (inId = tag.name === 'student_id'));
    parser.on('text', (text) => void (inId && ids.push(text)));
    parser.on('closetag', () => void (inId = false));
    parser.write(bytes.toString('utf8')).close();
    expect(ids).toEqual(listed.filter((s) => s.hometown === 'Huế').map((s) => s.student_id));
    expect(ids.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format with 422 naming the allowed ones', async () => {
    const res = await api.request('GET', '/api/v1/students/export?format=pdf');
    expectProblem(res, 422);
    expect(res.body.errors[0].loc).toEqual(['query', 'format']);
  });

  it('answers 413 when the export outgrows the inline limit and no exports bucket is configured', async () => {
    process.env.EXPORT_INLINE_PAYLOAD_BYTES = '1000';
    try {
      const res = await api.request('GET', '/api/v1/students/export?format=csv');
      expectProblem(res, 413);
      expect(res.body.detail).toMatch(/narrow it with filters/);
    } finally {
      delete process.env.EXPORT_INLINE_PAYLOAD_BYTES;
    }
  });

  it('refuses anonymous callers', async () => {
    expect((await api.request('GET', '/api/v1/students/export', { as: null })).status).toBe(401);
  });
});

describe('GET /api/v1/students/statistics', () => {
  it('summarises every subject, grade and hometown of the stored students', async () => {
    const res = await api.request('GET', '/api/v1/students/statistics');
    expect(res.status).toBe(200);
    const math = listed
      .map((s) => s.math_score)
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    expect(res.body.total_students).toBe(seed.length);
    expect(res.body.subjects.math).toMatchObject({ count: math.length, min: math[0], max: math.at(-1) });
    expect(res.body.subjects.math.mean).toBeCloseTo(math.reduce((a, b) => a + b, 0) / math.length, 2);
    const grades = Object.values(res.body.grade_distribution as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(grades + res.body.ungraded).toBe(seed.length);
    expect(res.body.students_per_hometown[0]).toEqual({ hometown: expect.any(String), count: 8 });
    expect(res.body.distinct_hometowns).toBe(3);
  });

  it('narrows to a hometown', async () => {
    const res = await api.request('GET', `/api/v1/students/statistics?hometown=${encodeURIComponent('Đà Nẵng')}`);
    expect(res.body.total_students).toBe(listed.filter((s) => s.hometown === 'Đà Nẵng').length);
    expect(res.body.students_per_hometown).toEqual([{ hometown: 'Đà Nẵng', count: res.body.total_students }]);
  });
});

describe('GET /api/v1/students/charts/{chart}', () => {
  it.each(['histogram', 'boxplot', 'violin', 'subject-averages'])('draws %s as PNG, SVG and vega-lite', async (chart) => {
    const png = await download(`/api/v1/students/charts/${chart}?format=png`);
    expect(png.res.status).toBe(200);
    expect(png.res.headers.get('content-type')).toBe('image/png');
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svg = await api.request('GET', `/api/v1/students/charts/${chart}?format=svg&hometown=${encodeURIComponent('Hà Nội')}`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(svg.text).toContain(`${listed.filter((s) => s.hometown === 'Hà Nội').length} students · Hometown: Hà Nội`);
    const spec = await api.request('GET', `/api/v1/students/charts/${chart}?format=vega`);
    expect(JSON.parse(spec.text).$schema).toMatch(/vega-lite/);
  });

  it('refuses an unknown chart or format with 422', async () => {
    expectProblem(await api.request('GET', '/api/v1/students/charts/pie'), 422);
    expectProblem(await api.request('GET', '/api/v1/students/charts/histogram?format=gif'), 422);
  });
});

describe('GET /api/v1/visualizations/score-distribution', () => {
  it('answers the original shape with a base64 PNG and the averages', async () => {
    const res = await api.request('GET', '/api/v1/visualizations/score-distribution');
    expect(res.status).toBe(200);
    const stats = (await api.request('GET', '/api/v1/students/statistics')).body;
    expect(res.body).toEqual({
      chart_type: 'histogram',
      image: expect.stringMatching(/^iVBORw0KGgo/),
      format: 'png',
      encoding: 'base64',
      statistics: {
        total_students: seed.length,
        average_scores: {
          math: stats.subjects.math.mean,
          literature: stats.subjects.literature.mean,
          english: stats.subjects.english.mean,
          overall: stats.overall_average,
        },
      },
    });
  });
});
