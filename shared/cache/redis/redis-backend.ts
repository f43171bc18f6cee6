import type { ChainableCommander, Redis } from 'ioredis';
import { RedisConnection } from '../../redis/redis-connection.js';
import type { L2Backend, L2Command, L2Reply } from '../l2-backend.js';

/** Keys per SCAN step: small enough that each step stays far below the command timeout. */
const SCAN_COUNT = 500;

/**
 * Redis/Valkey adapter of the L2 port over one ioredis connection (see createRedisClient
 * for the options it expects: no offline queue, no automatic reconnect). It connects on
 * first use and again on the first use after the connection ended — the cache's circuit
 * breaker spaces those attempts out.
 */
export class RedisBackend implements L2Backend {
  private readonly connection: RedisConnection;

  constructor(private readonly client: Redis) {
    this.connection = RedisConnection.of(client);
    // Failures surface through the commands; an 'error' event without listener would be
    // printed by ioredis on every failed connect.
    client.on('error', () => undefined);
  }

  async exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    await this.connection.ready();
    const pipeline = this.client.pipeline();
    for (const command of commands) queue(pipeline, command);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, reply]) => {
      if (error) throw error;
      return reply as L2Reply;
    });
  }

  async hgetall(key: string): Promise<Record<string, string>> {
    await this.connection.ready();
    return this.client.hgetall(key);
  }

  async mget(keys: readonly string[]): Promise<(string | null)[]> {
    await this.connection.ready();
    return this.client.mget(...keys);
  }

  async *scan(match: string): AsyncIterable<string[]> {
    await this.connection.ready();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }

  async unlink(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    await this.connection.ready();
    return this.client.unlink(...keys);
  }

  async evictedKeys(): Promise<number> {
    await this.connection.ready();
    const info = await this.client.info('stats');
    return Number(/^evicted_keys:(\d+)/m.exec(info)?.[1] ?? 0);
  }

  onDisconnect(listener: () => void): void {
    this.client.on('close', listener);
  }

  close(): Promise<void> {
    return this.connection.close();
  }

}

function queue(pipeline: ChainableCommander, command: L2Command): void {
  switch (command.op) {
    case 'mget':
      pipeline.mget(...command.keys);
      return;
    case 'get':
      pipeline.get(command.key);
      return;
    case 'set':
      pipeline.set(command.key, command.value, 'PX', command.ttlMs);
      return;
    case 'incr':
      pipeline.incr(command.key);
      return;
    case 'del':
      pipeline.del(command.key);
      return;
    case 'hincrby':
      pipeline.hincrby(command.key, command.field, command.by);
      return;
  }
}
