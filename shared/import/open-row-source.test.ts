import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { bufferByteSource } from './byte-source.js';
import { ImportFileError, ImportLimitError } from './import.errors.js';
import { formatOf, openRowSource } from './open-row-source.js';

describe('openRowSource', () => {
  it('picks the format from the name, case-insensitively', () => {
    expect(formatOf('imports/students/2026-roster.XLSX')).toBe('xlsx');
    expect(formatOf('roster.csv')).toBe('csv');
    expect(formatOf('roster.xls')).toBeUndefined();
  });

  it('refuses a name that is neither .csv nor .xlsx', () => {
    expect(() => openRowSource(bufferByteSource(Buffer.from('a')), { name: 'roster.numbers', entity: students })).toThrow(ImportFileError);
  });

  it('refuses a file over the byte limit before reading it', () => {
    const bytes = {
      size: 2_000_000,
      open: () => {
        throw new Error('must not be read');
      },
    };
    expect(() => openRowSource(bytes, { name: 'roster.csv', entity: students, limits: { maxBytes: 1_000_000 } })).toThrow(ImportLimitError);
    expect(() => openRowSource(bytes, { name: 'roster.csv', entity: students, limits: { maxBytes: 1_000_000 } })).toThrow(/1\.9 MB, over the 976\.6 KB limit/);
  });
});
