import { describe, expect, it } from 'vitest';
import { errorSummary } from './error-summary.js';

describe('errorSummary', () => {
  it('keeps name, message and code, never the stack', () => {
    const error = Object.assign(new Error('Command timed out'), { code: 'ETIMEDOUT' });
    error.name = 'TimeoutError';
    expect(errorSummary(error)).toEqual({ name: 'TimeoutError', message: 'Command timed out', code: 'ETIMEDOUT' });
    expect(errorSummary('boom')).toEqual({ name: 'NonError', message: 'boom' });
  });

  it('serialises without stack frames or node_modules paths', () => {
    const error = new Error('Command timed out');
    error.stack = `Error: Command timed out\n    at Timeout._onTimeout (/var/task/node_modules/ioredis/built/Command.js:192:33)`;
    const line = JSON.stringify({ message: 'Rate limiter unavailable', error: errorSummary(error) });
    expect(line).toContain('Command timed out');
    expect(line).not.toMatch(/node_modules|\bat Timeout\b|"stack"/);
  });
});
