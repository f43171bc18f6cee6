import { RedisConnection } from '../../redis/redis-connection.js';
import type { RedisClient } from '../../redis/ioredis.js';
import type { TokenBucket, TokenBucketStore, TokenBucketTake } from '../token-bucket-store.js';
import { TOKEN_BUCKET_SCRIPT } from './token-bucket-script.js';

type ScriptReply = [allowed: number, remaining: number, msUntilFull: number, msUntilNextToken: number];

interface TokenBucketCommand {
  takeToken(key: string, capacity: number, refillPerSecond: number): Promise<ScriptReply>;
}

/**
 * Redis/Valkey adapter of the bucket store: one EVALSHA per request (ioredis falls back to
 * EVAL once per connection when the script is not cached yet). Expects a client from
 * createRedisClient (50 ms command timeout, no offline queue, no automatic reconnect): it
 * connects on first use and again on the first use after the connection ended — the
 * limiter's circuit breaker spaces those attempts out.
 */
export class RedisTokenBucketStore implements TokenBucketStore {
  private readonly client: RedisClient & TokenBucketCommand;
  private readonly connection: RedisConnection;

  constructor(client: RedisClient) {
    this.connection = RedisConnection.of(client);
    // Failures surface through the commands; an 'error' event without listener would be
    // printed by ioredis on every failed connect.
    client.on('error', () => undefined);
    client.defineCommand('takeToken', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    this.client = client as RedisClient & TokenBucketCommand;
  }

  async take(key: string, bucket: TokenBucket): Promise<TokenBucketTake> {
    await this.connection.ready();
    const [allowed, remaining, msUntilFull, msUntilNextToken] = await this.client.takeToken(key, bucket.capacity, bucket.refillPerSecond);
    return { allowed: allowed === 1, remaining, msUntilFull, msUntilNextToken };
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
