import { isCluster, type RedisClient } from './ioredis.js';

const connections = new WeakMap<RedisClient, RedisConnection>();

/**
 * On-demand connection of a lazyConnect client: connects when idle or ended, waits for a
 * connect already in progress (whoever started it), and fails fast in any other state (so
 * callers' breakers can open). One per client (`RedisConnection.of`), so the cache, the rate
 * limiter and the request metrics can share a container's single client.
 */
export class RedisConnection {
  private connecting: Promise<void> | undefined;

  /** The connection of `client`, shared by every adapter that uses it. */
  static of(client: RedisClient): RedisConnection {
    let connection = connections.get(client);
    if (!connection) {
      connection = new RedisConnection(client);
      connections.set(client, connection);
    }
    return connection;
  }

  private constructor(readonly client: RedisClient) {}

  async ready(): Promise<void> {
    // A cluster client is 'ready' before its masters' connections are (see mastersReady).
    if (this.connecting) return this.connecting;
    const status = this.client.status;
    if (status === 'ready') return;
    // A cluster client whose connections were dropped can stay at 'close' (ioredis 6 does not
    // always move it on to 'end'); it connects again from there as well.
    const ended = status === 'end' || (status === 'close' && isCluster(this.client));
    if (!this.connecting && (status === 'wait' || ended)) {
      this.connecting = this.client
        .connect()
        .then(() => this.mastersReady())
        .finally(() => {
          this.connecting = undefined;
        });
    }
    if (!this.connecting && (status === 'connecting' || status === 'connect')) {
      this.connecting = untilReady(this.client)
        .then(() => this.mastersReady())
        .finally(() => {
          this.connecting = undefined;
        });
    }
    if (!this.connecting) throw new Error(`Redis connection is ${status}`);
    await this.connecting;
  }

  /**
   * A cluster client is ready once it knows the slot map; its connections to the masters open
   * on their first command, which would then pay TCP and TLS within the command timeout. They
   * are opened here instead, within the connect timeout.
   */
  private async mastersReady(): Promise<void> {
    if (isCluster(this.client)) await Promise.all(this.client.nodes('master').map((node) => RedisConnection.of(node).ready()));
  }

  /** QUIT when connected (lets replies drain), then drop the socket. */
  async close(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}

/** Settles with a connect started elsewhere: ready, or the error/close that ended it. */
function untilReady(client: RedisClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('Redis connection closed while connecting'));
    client.once('ready', onReady);
    client.once('error', onError);
    client.once('close', onClose);
  });
}
