import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { cappedRevocationExpiry } from '../../auth/token-lifetime.js';
import { REVOCATION_EXPIRY_ATTR } from '../../auth/revocations.table.js';
import type { RevocationList } from '../../auth/revocation-list.js';
import { DependencyUnavailableError } from '../../errors/app-error.js';
import { PK } from './table-design.js';
import { logger } from '../../powertools/logger.js';

/**
 * A revocation check that has not answered by then is treated as not made (the caller
 * decides: a write gets 503). Generous on purpose: a cold container's first call pays the
 * TLS handshake and credential lookup, and a loaded machine more, and a write refused
 * because the check was merely slow is worse than a write that waited. Concurrent checks
 * of one handle share one read, so a stall costs one wait, not one per request.
 */
export const REVOCATION_CHECK_TIMEOUT_MS = 2_500;
/** Recording a revocation may take longer, but never hangs an admin request. */
export const REVOCATION_WRITE_TIMEOUT_MS = 3_000;

export interface DynamoDbRevocationListOptions {
  checkTimeoutMs?: number;
  nowSeconds?: () => number;
}

/**
 * Revocations in the revocations table: one item per handle with `expires_at` (capped at the
 * longest token lifetime), deleted by DynamoDB TTL after that. Items TTL has not removed yet
 * are ignored once expired. A check is a strongly consistent GetItem bounded by
 * `checkTimeoutMs`; when it fails or is too slow it rejects (never "not revoked").
 */
export class DynamoDbRevocationList implements RevocationList {
  private readonly checkTimeoutMs: number;
  private readonly nowSeconds: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbRevocationListOptions = {},
  ) {
    this.checkTimeoutMs = options.checkTimeoutMs ?? REVOCATION_CHECK_TIMEOUT_MS;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async isRevoked(handle: string): Promise<boolean> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: handle },
        ConsistentRead: true,
        ProjectionExpression: '#e',
        ExpressionAttributeNames: { '#e': REVOCATION_EXPIRY_ATTR },
      }),
      { abortSignal: AbortSignal.timeout(this.checkTimeoutMs) },
    );
    const expiresAt = out.Item?.[REVOCATION_EXPIRY_ATTR];
    return typeof expiresAt === 'number' && expiresAt > this.nowSeconds();
  }

  async revoke(handle: string, expiresAt: number): Promise<void> {
    const now = this.nowSeconds();
    // Already expired: every verifier refuses it anyway.
    if (expiresAt <= now) return;
    const until = cappedRevocationExpiry(expiresAt, now);
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { [PK]: handle, [REVOCATION_EXPIRY_ATTR]: until } }), {
        abortSignal: AbortSignal.timeout(REVOCATION_WRITE_TIMEOUT_MS),
      });
    } catch (error) {
      // Whatever failed (throttling, network, timeout), the revocation is not recorded: retry.
      throw new DependencyUnavailableError('Revocation list', 1, { cause: error });
    }
    logger.info('credential revoked', { handle, until });
  }
}
