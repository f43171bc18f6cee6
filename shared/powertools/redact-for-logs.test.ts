import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { redactForLogs } from './redact-for-logs.js';

describe('redactForLogs', () => {
  it.each([
    ['authorization', 'Bearer abc.def.ghi'],
    ['Authorization', 'Bearer abc'],
    ['x-api-key', 'ak_123.secret'],
    ['apiKey', 'anything'],
    ['token', 'x'],
    ['id_token', 'x'],
    ['password', 'hunter2'],
    ['cookie', 'session=1'],
  ])('redacts the value under %s', (key, value) => {
    expect(redactForLogs(key, value)).toBe('[REDACTED]');
  });

  it('cuts bearer tokens, JWTs and API keys out of free text', () => {
    const text = 'auth failed for Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and key ak_AbC123.s3cr3t-Value_';
    const out = String(redactForLogs('message', text));
    expect(out).not.toContain('eyJhbGciOiJSUzI1NiJ9');
    expect(out).not.toContain('s3cr3t-Value_');
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('ak_[REDACTED]');
  });

  it('masks e-mail addresses but keeps the domain', () => {
    expect(redactForLogs('detail', 'duplicate of linh.nguyen@example.edu in row 3')).toBe('duplicate of l***@example.edu in row 3');
  });

  it('leaves ordinary values alone', () => {
    expect(redactForLogs('route', 'GET /api/v1/students/{student_id}')).toBe('GET /api/v1/students/{student_id}');
    expect(redactForLogs('status', 422)).toBe(422);
  });

  it('applies to what the real logger writes, error messages included', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const writes: string[] = [];
    const logger = new Logger({ serviceName: 'redaction-test', logLevel: 'INFO', jsonReplacerFn: redactForLogs });
    const log = vi.spyOn(console, 'info').mockImplementation((line: string) => writes.push(line));
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => writes.push(line));
    try {
      logger.info('login', { authorization: 'Bearer top-secret-token', email: 'an.nguyen@example.edu' });
      logger.error('failed', new Error('user an.nguyen@example.edu sent ak_AbC123.s3cr3t'));
    } finally {
      spy.mockRestore();
      log.mockRestore();
      err.mockRestore();
    }
    const output = [...lines, ...writes].join('\n');
    expect(output).toContain('login');
    expect(output).not.toContain('top-secret-token');
    expect(output).not.toContain('an.nguyen@');
    expect(output).not.toContain('s3cr3t');
    expect(output).toContain('a***@example.edu');
  });
});
