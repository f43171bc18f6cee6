import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recentOutbox } from './recent-outbox.js';

describe('recentOutbox', () => {
  it('returns the last `limit` lines newest first, skipping a torn line', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    for (let i = 0; i < 50; i++) await appendFile(file, `${JSON.stringify({ n: i })}\n`);
    await appendFile(file, '{"n": 50');
    expect(await recentOutbox(file, 3)).toEqual([{ n: 49 }, { n: 48 }, { n: 47 }]);
    expect((await recentOutbox(file, 100))?.length).toBe(50);
  });

  it('is undefined when there is no outbox file', async () => {
    expect(await recentOutbox(path.join(tmpdir(), 'no-such-outbox-file.jsonl'), 10)).toBeUndefined();
  });
});

describe('recentOutbox with a filter', () => {
  it('keeps the newest `limit` lines that match', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    for (let i = 0; i < 20; i++) await appendFile(file, `${JSON.stringify({ n: i, even: i % 2 === 0 })}\n`);
    expect(await recentOutbox(file, 2, (line) => line.even === true)).toEqual([
      { n: 18, even: true },
      { n: 16, even: true },
    ]);
  });
});
