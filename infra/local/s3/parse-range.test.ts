import { describe, expect, it } from 'vitest';
import { parseRange } from './object-operations.js';

describe('parseRange', () => {
  it('reads the single byte ranges S3 honours', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=8-50', 10)).toEqual({ start: 8, end: 9 });
  });

  it('ignores what S3 ignores (no header, other units, several ranges, inverted)', () => {
    for (const header of [undefined, 'items=0-1', 'bytes=0-1,3-4', 'bytes=5-2', 'bytes=-']) expect(parseRange(header, 10)).toBeUndefined();
  });

  it('refuses ranges that start past the end with InvalidRange and Content-Range */size', () => {
    expect(() => parseRange('bytes=10-', 10)).toThrow(
      expect.objectContaining({ code: 'InvalidRange', status: 416, headers: { 'Content-Range': 'bytes */10' } }),
    );
    expect(() => parseRange('bytes=-1', 0)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
  });
});
