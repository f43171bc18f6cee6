import { describe, expect, it } from 'vitest';
import { s3UrlEncode } from './s3-url-encode.js';

describe('s3UrlEncode', () => {
  it('encodes keys the way S3 event records do', () => {
    expect(s3UrlEncode('imports/students/roster 2026.csv')).toBe('imports/students/roster+2026.csv');
    expect(s3UrlEncode('imports/élèves/Hà Nội (1).xlsx')).toBe('imports/%C3%A9l%C3%A8ves/H%C3%A0+N%E1%BB%99i+%281%29.xlsx');
    expect(s3UrlEncode('a+b=c&d~e*f')).toBe('a%2Bb%3Dc%26d%7Ee*f');
  });

  it('round-trips through the decoding consumers use', () => {
    for (const key of ['imports/students/a b+c.csv', 'x/Nguyễn Văn A%20.csv', 'emoji/😀.csv']) {
      expect(decodeURIComponent(s3UrlEncode(key).replace(/\+/g, ' '))).toBe(key);
    }
  });
});
