import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Redis } from 'ioredis';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { logger } from '../../powertools/logger.js';
import { metrics } from '../../powertools/metrics.js';
import type { RevocationList } from '../revocation-list.js';

/**
 * Revocations as Redis keys `<prefix>revoked:<handle>` that expire when the credential would
 * have (`SET … EXAT exp`), so the list never outgrows the set of live revoked credentials.
 * Reads fail open (logged + `RevocationCheckFailedOpen` metric); writes fail with a 503.
 */
export class RedisRevocationList implements RevocationList {
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async isRevoked(handle: string): Promise<boolean> {
    try {
      await this.connected();
      return (await this.redis.exists(this.key(handle))) === 1;
    } catch (error) {
      logger.warn('revocation list unreachable: accepting the credential without the revocation check', {
        error: error as Error,
      });
      metrics.addMetric('RevocationCheckFailedOpen', MetricUnit.Count, 1);
      return false;
    }
  }

  async revoke(handle: string, expiresAt: number): Promise<void> {
    // Already expired: every verifier refuses it anyway, and EXAT in the past would fail.
    if (expiresAt <= this.nowSeconds()) return;
    try {
      await this.connected();
      await this.redis.set(this.key(handle), '1', 'EXAT', expiresAt);
    } catch (error) {
      throw new DependencyUnavailableError('Redis', 1, { cause: error });
    }
    logger.info('credential revoked', { handle, until: expiresAt });
  }

  /**
   * The first call of a container waits for the connection (bounded by the client's connect
   * timeout) so that the 50 ms command timeout measures Redis, not the TCP handshake. Later
   * calls never wait: during an outage the client reconnects in the background and commands
   * fail fast.
   */
  private async connected(): Promise<void> {
    if (this.redis.status === 'wait') this.connecting ??= this.redis.connect().catch(() => undefined);
    if (this.connecting) await this.connecting;
  }

  private key(handle: string): string {
    return `${this.prefix}revoked:${handle}`;
  }
}
