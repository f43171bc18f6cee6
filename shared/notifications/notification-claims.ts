import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from './notification.js';

/** Claims outlive every redelivery SQS can still make (4 days of retention) with margin. */
export const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export interface ClaimKey {
  order_id: string;
  event_id: string;
  channel: Channel;
}

export const claimPk = (key: ClaimKey) => `${key.order_id}#${key.event_id}#${key.channel}`;

/** At most once per (event, channel): a conditional PutItem claims the send before it happens. */
export function notificationClaims(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
  return {
    /** True when this caller won the claim; false when the channel was already claimed (sent or in flight). */
    async claim(key: ClaimKey, to: string | undefined): Promise<boolean> {
      const at = now();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk: claimPk(key),
              ...key,
              ...(to ? { to } : {}),
              claimed_at: new Date(at).toISOString(),
              expires_at: Math.floor(at / 1000) + CLAIM_TTL_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    /** Gives the claim back after a send that definitely failed, so a redelivery retries this channel. */
    async release(key: ClaimKey): Promise<void> {
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: claimPk(key) } }));
    },
    /**
     * Keeps the claim and records why the send can never succeed (rejected address, no address):
     * redeliveries skip the channel instead of retrying it until the DLQ.
     */
    async markFailed(key: ClaimKey, reason: string): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: claimPk(key) },
          UpdateExpression: 'SET #status = :failed, failure = :reason, failed_at = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':reason': reason, ':at': new Date(now()).toISOString() },
        }),
      );
    },
  };
}
export type NotificationClaims = ReturnType<typeof notificationClaims>;
