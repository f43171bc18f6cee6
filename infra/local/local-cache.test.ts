import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseLocalCache } from './local-cache.js';

describe('chooseLocalCache', () => {
  const saved = process.env.REDIS_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  });

  it('falls back to the in-memory L2 with a one-line reason when no Redis answers, and hides the dead URL from the functions', async () => {
    process.env.REDIS_URL = 'redis://user:secret@127.0.0.1:1';
    const cache = await chooseLocalCache();
    expect(cache.kind).toBe('memory');
    expect(cache.env).toEqual({ CACHE_BACKEND: 'memory', CACHE_KEY_PREFIX: expect.stringMatching(/^records-local:[0-9a-f]{8}:$/) });
    expect(cache.description).toMatch(/^Cache: in-memory.*ECONNREFUSED/);
    expect(cache.description).not.toContain('secret');
    expect(cache.description.split('\n')).toHaveLength(1);
    expect(process.env.REDIS_URL).toBeUndefined();
  });

  it('keeps the key prefix with the data, so fresh data gets a fresh prefix', async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const dir = mkdtempSync(path.join(tmpdir(), 'local-cache-'));
    try {
      const first = await chooseLocalCache(dir);
      expect((await chooseLocalCache(dir)).env.CACHE_KEY_PREFIX).toBe(first.env.CACHE_KEY_PREFIX);
      rmSync(dir, { recursive: true });
      expect((await chooseLocalCache(dir)).env.CACHE_KEY_PREFIX).not.toBe(first.env.CACHE_KEY_PREFIX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
