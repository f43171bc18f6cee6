import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../infra/local/dynamodb-local.js';
import { createRedisClient, DEFAULT_REDIS_URL } from '../../shared/auth/redis/redis-client.js';
import { RedisRevocationList } from '../../shared/auth/redis/redis-revocation-list.js';
import { DependencyUnavailableError } from '../../shared/errors/app-error.js';
import { logger } from '../../shared/powertools/logger.js';
import { metrics } from '../../shared/powertools/metrics.js';
import { redisAvailable } from '../support/redis.js';

const redisUp = await redisAvailable();
const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = `test:${randomBytes(4).toString('hex')}:`;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe.runIf(redisUp)('RedisRevocationList against the real Redis', () => {
  let client: Redis;
  let probe: Redis;
  let list: RedisRevocationList;

  beforeAll(() => {
    client = createRedisClient({ REDIS_URL: url });
    probe = new Redis(url);
    list = new RedisRevocationList(client, prefix);
  });
  afterAll(async () => {
    const keys = await probe.keys(`${prefix}*`);
    if (keys.length > 0) await probe.del(...keys);
    client.disconnect();
    probe.disconnect();
  });

  it('reports a revoked handle until its expiry, and nothing else', async () => {
    expect(await list.isRevoked('jti-a')).toBe(false);
    await list.revoke('jti-a', inAnHour());
    expect(await list.isRevoked('jti-a')).toBe(true);
    expect(await list.isRevoked('jti-b')).toBe(false);
  });

  it('lets the key expire with the credential (EXAT), under its prefix', async () => {
    const exp = Math.floor(Date.now() / 1000) + 120;
    await list.revoke('jti-ttl', exp);
    expect(await probe.exists(`${prefix}revoked:jti-ttl`)).toBe(1);
    const ttl = await probe.ttl(`${prefix}revoked:jti-ttl`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('ignores revocations of credentials that have already expired', async () => {
    await list.revoke('jti-old', Math.floor(Date.now() / 1000) - 10);
    expect(await probe.exists(`${prefix}revoked:jti-old`)).toBe(0);
  });

  it('keeps prefixes apart', async () => {
    await list.revoke('jti-shared', inAnHour());
    const other = new RedisRevocationList(client, `${prefix}other:`);
    expect(await other.isRevoked('jti-shared')).toBe(false);
  });
});

describe('RedisRevocationList while Redis is down', () => {
  let client: Redis;
  let list: RedisRevocationList;

  beforeAll(async () => {
    client = createRedisClient({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    list = new RedisRevocationList(client, prefix);
  });
  afterAll(() => {
    client.disconnect();
  });

  it('fails open, quickly: the check answers "not revoked", with a warning and a metric', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const metric = vi.spyOn(metrics, 'addMetric');
    expect(await list.isRevoked('jti-a')).toBe(false); // first call: waits for the failed connect
    const started = performance.now();
    expect(await list.isRevoked('jti-a')).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('revocation list unreachable'), expect.anything());
    expect(metric).toHaveBeenCalledWith('RevocationCheckFailedOpen', 'Count', 1);
    vi.restoreAllMocks();
  });

  it('refuses to pretend a revocation was recorded', async () => {
    await expect(list.revoke('jti-a', inAnHour())).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
