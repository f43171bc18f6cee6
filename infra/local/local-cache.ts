import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { probeRedis } from '../../shared/cache/redis/redis-client.js';

/** Where the local stack looks for Redis unless REDIS_URL says otherwise. */
export const DEFAULT_LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export interface LocalCache {
  kind: 'redis' | 'memory';
  /** Env for the functions: REDIS_URL or CACHE_BACKEND=memory, plus CACHE_KEY_PREFIX. */
  env: Record<string, string>;
  /** The one startup line saying which cache is used. */
  description: string;
}

/**
 * Redis when one answers at REDIS_URL (default 127.0.0.1:6379), else the in-memory L2 that
 * all local bundles share. Keys go under `records-local:<id>:`, the id kept with the data
 * (random for in-memory data), so `--fresh` data never meets entries cached from the old
 * data, and a Redis shared with others is never touched outside that prefix.
 */
export async function chooseLocalCache(dataDir?: string): Promise<LocalCache> {
  const url = process.env.REDIS_URL || DEFAULT_LOCAL_REDIS_URL;
  const prefix = `records-local:${dataGeneration(dataDir)}:`;
  const probe = await probeRedis(url, 500);
  if (probe.ok) {
    return { kind: 'redis', env: { REDIS_URL: url, CACHE_KEY_PREFIX: prefix }, description: `Cache: Redis at ${redacted(url)} (keys under ${prefix})` };
  }
  // An unreachable REDIS_URL from the shell must not reach the functions.
  delete process.env.REDIS_URL;
  return {
    kind: 'memory',
    env: { CACHE_BACKEND: 'memory', CACHE_KEY_PREFIX: prefix },
    description: `Cache: in-memory, per process (no Redis at ${redacted(url)}: ${probe.reason}; set REDIS_URL to use one)`,
  };
}

function dataGeneration(dataDir?: string): string {
  if (!dataDir) return randomBytes(4).toString('hex');
  const file = path.join(dataDir, 'cache-generation');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(4).toString('hex'));
  }
  return readFileSync(file, 'utf8').trim();
}

/** The URL without its password, for printing. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'REDIS_URL (unparseable)';
  }
}
