import { describe, expect, it } from 'vitest';
import { parseImportArgs, UsageError } from './args.js';

describe('parseImportArgs', () => {
  it('defaults: students, create, the local API, TOKEN from the environment', () => {
    expect(parseImportArgs(['roster.csv'], { TOKEN: 't1' })).toEqual({
      file: 'roster.csv',
      entity: 'students',
      mode: 'create',
      api: 'http://127.0.0.1:3000',
      token: 't1',
      pollMs: 250,
      maxPollMs: 2000,
    });
  });

  it('options win over the environment; a trailing slash of --api is dropped', () => {
    const args = parseImportArgs(['r.xlsx', '--entity', 'students', '--mode', 'upsert', '--api', 'https://api.example.org/', '--token', 't2'], { TOKEN: 't1' });
    expect(args).toMatchObject({ file: 'r.xlsx', mode: 'upsert', api: 'https://api.example.org', token: 't2' });
  });

  it.each([
    [[], /a file to import is required/],
    [['a.csv', 'b.csv'], /one file at a time/],
    [['a.csv', '--mode', 'merge'], /--mode must be create or upsert/],
    [['a.csv', '--api', 'not a url'], /--api is not a URL/],
    [['a.csv', '--api', 'ftp://x'], /--api must be http/],
    [['a.csv', '--colour', 'red'], /Unknown option '--colour'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseImportArgs(argv, {})).toThrow(UsageError);
    expect(() => parseImportArgs(argv, {})).toThrow(message);
  });
});
