import { describe, expect, it } from 'vitest';
import { restoreNeutralised } from '../export/neutralise-formula.js';
import { ReportBuffer } from './report-buffer.js';
import { reportHeader, reportLine } from './report-lines.js';

const detail = (row: number, id: string | null, field: string | null, message: string) => ({ row, student_id: id, field, message });

describe('report lines', () => {
  it('writes kind,row,id,field,message with RFC 4180 quoting and the heading of the id field', () => {
    expect(reportHeader('student_id')).toBe('kind,row,student_id,field,message\r\n');
    expect(reportLine('student_id', 'skipped', detail(7, 'S1', null, 'Duplicate of row 2, which is kept'))).toBe(
      'skipped,7,S1,,"Duplicate of row 2, which is kept"\r\n',
    );
    expect(reportLine('student_id', 'error', detail(3, null, 'last_name', 'said "no"\nthen'))).toBe('error,3,,last_name,"said ""no""\nthen"\r\n');
  });

  it.each(['=HYPERLINK("x")', '+1', '-S1', '@SUM(A1)', '\tx', "'=1+2' is not a number"])('neutralises %j with the export’s prefix (reversibly)', (text) => {
    const line = reportLine('student_id', 'warning', detail(4, text, 'math_score', text));
    const cells = line.slice(0, -2).split(',');
    const idCell = cells[2]!.replace(/^"|"$/g, '').replaceAll('""', '"');
    expect(idCell.startsWith("'")).toBe(true);
    expect(restoreNeutralised(idCell)).toBe(text);
  });
});

describe('ReportBuffer', () => {
  it('takes the lines of rows up to a checkpoint, in row order, and keeps the later ones', () => {
    const buffer = new ReportBuffer('student_id');
    buffer.add('warning', detail(5, 'A', 'math_score', 'w'));
    buffer.add('error', detail(9, 'B', null, 'e9'));
    buffer.add('error', detail(5, 'A', 'student_id', 'written later'));
    buffer.add('skipped', detail(3, 'C', null, 's'));
    expect(buffer.take(5)).toBe('skipped,3,C,,s\r\nwarning,5,A,math_score,w\r\nerror,5,A,student_id,written later\r\n');
    expect(buffer.bytes).toBe('error,9,B,,e9\r\n'.length);
    expect(buffer.take(8)).toBe('');
    expect(buffer.take(9)).toBe('error,9,B,,e9\r\n');
    expect(buffer.bytes).toBe(0);
  });
});
