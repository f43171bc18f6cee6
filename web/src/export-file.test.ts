import { describe, expect, it } from 'vitest';
import { dispositionFilename, exportQuery, presignedFilename } from './export-file.js';

describe('export file', () => {
  it('sends the list filters and the format, never the paging', () => {
    expect(exportQuery({ search: ' hà ', hometown: 'Huế', sort: '-average_score' }, 'xlsx')).toBe(
      'format=xlsx&search=h%C3%A0&hometown=Hu%E1%BA%BF&sort=-average_score',
    );
    expect(exportQuery({ search: '', hometown: ' ', sort: '' }, 'csv')).toBe('format=csv');
  });

  it('reads the file name of a Content-Disposition', () => {
    expect(dispositionFilename('attachment; filename="students.csv"')).toBe('students.csv');
    expect(dispositionFilename('attachment; filename=students.xml')).toBe('students.xml');
    expect(dispositionFilename(`attachment; filename="hoc-sinh.csv"; filename*=UTF-8''h%E1%BB%8Dc-sinh.csv`)).toBe('học-sinh.csv');
    expect(dispositionFilename('attachment')).toBeUndefined();
    expect(dispositionFilename(null)).toBeUndefined();
  });

  it('reads the name a presigned S3 link downloads as', () => {
    const url = `http://127.0.0.1:4569/b/exports/x.csv?X-Amz-Signature=ab&response-content-disposition=${encodeURIComponent('attachment; filename="students-2026.csv"')}`;
    expect(presignedFilename(url)).toBe('students-2026.csv');
    expect(presignedFilename('not a url')).toBeUndefined();
  });
});
