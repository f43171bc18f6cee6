import { AppError } from '../errors/app-error.js';
import type { Channel } from './notification.js';

/**
 * The provider refused this message for good (malformed or unverified address, disabled push
 * endpoint, rejected content), or there is no address (`noAddress`) or the channel is disabled
 * (`channelDisabled`): sending it again cannot succeed. The send is recorded as failed
 * and the event is not retried. Anything else a channel throws (throttling, quota, outage,
 * misconfiguration) is transient: the record fails and SQS redelivers it.
 */
export class NotificationRejectedError extends AppError {
  readonly kind = 'badRequest';
  constructor(
    readonly channel: Channel,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('notification.rejected', message, { channel, reason }, options);
  }
}

/** The SDK error name of a thrown value (`TooManyRequestsException`), if any. */
export const sdkErrorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);
