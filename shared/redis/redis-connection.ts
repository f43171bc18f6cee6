import type { Redis } from './ioredis.js';

/**
 * On-demand connection of a lazyConnect client: connects when idle or ended, joins a connect
 * in progress, and fails fast in any other state (so callers' breakers can open), instead of
 * each adapter repeating that state machine.
 */
export class RedisConnection {
  private connecting: Promise<void> | undefined;

  constructor(readonly client: Redis) {}

  async ready(): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return;
    if (!this.connecting && (status === 'wait' || status === 'end')) {
      this.connecting = this.client.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    if (!this.connecting) throw new Error(`Redis connection is ${status}`);
    await this.connecting;
  }

  /** QUIT when connected (lets replies drain), then drop the socket. */
  async close(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}
