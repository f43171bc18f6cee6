import { describe, expect, it } from 'vitest';
import { decodeS3Key, modeOf, parseImportKey } from './import-object-key.js';
import { jobIdFor } from './import-job.js';

describe('S3 keys of import files', () => {
  it('decodes event keys: + is a space, then percent-decoding (a literal + arrives as %2B)', () => {
    expect(decodeS3Key('imports/students/roster+one.csv')).toBe('imports/students/roster one.csv');
    expect(decodeS3Key('imports/students/Danh+s%C3%A1ch+l%E1%BB%9Bp+7%2B.xlsx')).toBe('imports/students/Danh sách lớp 7+.xlsx');
  });

  it.each([
    ['exports/students/a.csv', 'outside imports/'],
    ['imports/../students/a.csv', 'relative path segment'],
    ['imports/students/../../etc/a.csv', 'relative path segment'],
    ['imports/students/./a.csv', 'relative path segment'],
    ['imports/a.csv', 'not of the form'],
    ['imports/students//a.csv', 'not of the form'],
  ])('refuses %s', (key, reason) => {
    const parsed = parseImportKey(key);
    expect(parsed.kind).toBe('refused');
    expect(parsed.kind === 'refused' && parsed.reason).toContain(reason);
  });

  it('names the entity, the file and, for presigned uploads, the job', () => {
    expect(parseImportKey('imports/students/2026/roster.xlsx')).toEqual({
      kind: 'import',
      key: 'imports/students/2026/roster.xlsx',
      entity: 'students',
      fileName: 'roster.xlsx',
    });
    expect(parseImportKey('imports/students/uploads/imp_abc/r.csv')).toMatchObject({ entity: 'students', uploadId: 'imp_abc', fileName: 'r.csv' });
    expect(parseImportKey('imports/teachers/r.csv')).toMatchObject({ kind: 'import', entity: 'teachers' });
  });

  it('takes the mode from metadata, then from .upsert. in the name, else create', () => {
    expect(modeOf('r.csv')).toBe('create');
    expect(modeOf('r.upsert.csv')).toBe('upsert');
    expect(modeOf('R.UPSERT.XLSX')).toBe('upsert');
    expect(modeOf('upsert.csv')).toBe('create');
    expect(modeOf('r.upsert.csv', { 'import-mode': 'create' })).toBe('create');
    expect(modeOf('r.csv', { 'import-mode': 'UPSERT' })).toBe('upsert');
    expect(modeOf('r.csv', { 'import-mode': 'merge' })).toBe('create');
  });

  it('derives one job id per object version', () => {
    const a = { bucket: 'b', key: 'imports/students/r.csv', etag: '"e1"' };
    expect(jobIdFor(a)).toBe(jobIdFor({ ...a, etag: 'e1' }));
    expect(jobIdFor(a)).not.toBe(jobIdFor({ ...a, etag: '"e2"' }));
    expect(jobIdFor(a)).not.toBe(jobIdFor({ ...a, key: 'imports/students/s.csv' }));
    expect(jobIdFor({ ...a, version_id: 'v1' })).not.toBe(jobIdFor({ ...a, version_id: 'v2' }));
    expect(jobIdFor(a)).toMatch(/^imp_[A-Za-z0-9_-]{24}$/);
  });
});
