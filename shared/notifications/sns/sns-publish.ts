import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { Channel } from '../notification.js';
import { NotificationRejectedError, sdkErrorName } from '../notifications.errors.js';

/**
 * SNS Publish errors that concern this message only: a malformed phone number or endpoint ARN,
 * a push endpoint the platform disabled (uninstalled app, expired token) or that was deleted.
 * Throttling, KMS, internal errors, a disabled platform application or missing IAM permissions
 * are rethrown: SQS redelivers the event, and the DLQ keeps it if the problem persists.
 */
const PERMANENT = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'EndpointDisabledException', 'NotFoundException']);

/** One Publish; permanent refusals become NotificationRejectedError. */
export async function snsPublish(client: SNSClient, channel: Channel, input: PublishCommandInput): Promise<void> {
  try {
    await client.send(new PublishCommand(input));
  } catch (error) {
    const name = sdkErrorName(error);
    if (name && PERMANENT.has(name)) throw new NotificationRejectedError(channel, name, (error as Error).message, { cause: error });
    throw error;
  }
}
