import type { Deliver } from './local-event-bus.js';

/**
 * The bus's delivery into SQS, as an EventBridge rule with an SQS target does it: the whole
 * event (`version, id, detail-type, source, …, detail`) as the message body of the rule's queue.
 */
export function sqsTarget(sendToQueue: (queueName: string, body: string) => Promise<string>): Deliver {
  return async function deliverToQueue(target, event) {
    await sendToQueue(target.queue, JSON.stringify(event));
  };
}
