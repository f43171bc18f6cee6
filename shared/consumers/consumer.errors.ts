import { AppError } from '../errors/app-error.js';

/** Where a poison message failed: the part of the message and the zod issue paths. */
export interface PoisonProblem {
  /** `body` (not JSON), `event` (not an EventBridge event), `envelope` (detail), `type` (not this consumer's). */
  part: 'body' | 'event' | 'envelope' | 'type';
  /** Issue paths with their messages, e.g. `detail.data.order_id: Invalid input`; never the values. */
  issues: string[];
}

/**
 * A message that can never succeed, however often it is retried: not JSON, not an EventBridge
 * event, an envelope its schema refuses, or an event type the consumer does not handle. It is
 * reported as a batch item failure like any other, so SQS moves it to the DLQ after the
 * queue's maxReceiveCount receives (shared/events/queues.ts), where it waits for a person.
 */
export class PoisonMessageError extends AppError {
  readonly kind = 'validation';
  constructor(
    readonly messageId: string,
    readonly problem: PoisonProblem,
  ) {
    super('consumer.poisonMessage', `Message ${messageId} is not a valid event (${problem.part}); it will end in the DLQ.`, { messageId, ...problem });
  }
}
