import { describe, expect, it } from 'vitest';
import { queryParameterNames, requestLogLine } from './request-log-line.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

describe('requestLogLine', () => {
  it('logs the route key and parameter names, never values', () => {
    const line = requestLogLine({
      method: 'GET',
      routeKey: 'GET /api/v1/students/{student_id}',
      rawQuery: `access_token=${JWT}&page=2&page=3&search=nguy%E1%BB%85n`,
      status: 200,
      target: 'students-get',
      ms: 3.14,
    });
    expect(line).toBe('GET /api/v1/students/{student_id} ?access_token&page&search → 200 students-get 3.1 ms');
    expect(line).not.toContain(JWT);
    expect(line).not.toContain('nguy');
  });

  it('says how many retries the function reported', () => {
    const fields = { method: 'GET', routeKey: 'GET /api/v1/students/{student_id}', rawQuery: '', status: 200, target: 'students-get', ms: 812 };
    expect(requestLogLine({ ...fields, retries: 2 })).toBe('GET /api/v1/students/{student_id} → 200 students-get 812.0 ms (2 retries)');
    expect(requestLogLine({ ...fields, retries: 1 })).toMatch(/\(1 retry\)$/);
    expect(requestLogLine(fields)).not.toMatch(/retr/);
  });

  it('names unmatched requests by method and $default, not by their path', () => {
    expect(requestLogLine({ method: 'POST', routeKey: '$default', rawQuery: '', status: 404, target: 'system-fallback' })).toBe(
      'POST $default → 404 system-fallback',
    );
  });

  it('caps how many names and how much of each it logs', () => {
    const query = `${Array.from({ length: 25 }, (_, i) => `p${i}=1`).join('&')}&${'x'.repeat(100)}=1`;
    const names = queryParameterNames(query);
    expect(names).toHaveLength(11);
    expect(names.at(-1)).toBe('…16 more');
    expect(queryParameterNames(`${'y'.repeat(100)}=1`)[0]).toHaveLength(41);
  });
});
