import type { ChainableCommander } from 'ioredis';
import { isCluster, type Redis, type RedisClient } from '../../redis/ioredis.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import type { L2Backend, L2Command, L2Reply } from '../l2-backend.js';

/** Keys per SCAN step: small enough that each step stays far below the command timeout. */
const SCAN_COUNT = 500;

/**
 * Redis/Valkey adapter of the L2 port over one ioredis client (see createRedisClient
 * for the options it expects: no offline queue, no automatic reconnect). It connects on
 * first use and again on the first use after the connection ended — the cache's circuit
 * breaker spaces those attempts out.
 *
 * With a cluster client (ElastiCache Serverless) a batch is split into one pipeline per
 * hash tag (every cache key has one, see CacheKeys), sent together: ioredis refuses a
 * pipeline whose keys live on different nodes. SCAN and INFO go to every master.
 */
export class RedisBackend implements L2Backend {
  private readonly connection: RedisConnection;

  constructor(private readonly client: RedisClient) {
    this.connection = RedisConnection.of(client);
    // Failures surface through the commands; an 'error' event without listener would be
    // printed by ioredis on every failed connect.
    client.on('error', () => undefined);
  }

  async exec(commands: readonly L2Command[]): Promise<L2Reply[]> {
    await this.connection.ready();
    if (!isCluster(this.client)) return pipelined(this.client, commands);
    const groups = new Map<string, number[]>();
    commands.forEach((command, index) => {
      const tag = hashTag(command.op === 'mget' ? (command.keys[0] ?? '') : command.key);
      groups.set(tag, [...(groups.get(tag) ?? []), index]);
    });
    const replies: L2Reply[] = new Array(commands.length);
    await Promise.all(
      [...groups.values()].map(async (indexes) => {
        const groupReplies = await pipelined(
          this.client,
          indexes.map((index) => commands[index]!),
        );
        for (const [at, index] of indexes.entries()) replies[index] = groupReplies[at]!;
      }),
    );
    return replies;
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
    // A cluster's keys are spread over its masters: each one is scanned in turn.
    for (const node of this.nodes()) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length > 0) yield keys;
      } while (cursor !== '0');
    }
  }

  async unlink(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    await this.connection.ready();
    return this.client.unlink(...keys);
  }

  async evictedKeys(): Promise<number> {
    await this.connection.ready();
    const infos = await Promise.all(this.nodes().map((node) => node.info('stats')));
    return infos.reduce((sum, info) => sum + Number(/^evicted_keys:(\d+)/m.exec(info)?.[1] ?? 0), 0);
  }

  /** The servers holding keys: the client itself, or each master of a cluster. */
  private nodes(): Redis[] {
    return isCluster(this.client) ? this.client.nodes('master') : [this.client];
  }

  onDisconnect(listener: () => void): void {
    this.client.on('close', listener);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

async function pipelined(client: RedisClient, commands: readonly L2Command[]): Promise<L2Reply[]> {
  const pipeline = client.pipeline();
  for (const command of commands) queue(pipeline, command);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply as L2Reply;
  });
}

/** What a cluster hashes of `key`: the first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
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
