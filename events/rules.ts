import { eventCatalog, type EventType, SAGA_EVENT_TYPES } from './catalog.js';

/** An EventBridge event pattern as JSON (validated by the local bus and by AWS at deploy). */
export type EventPattern = { [field: string]: EventPattern | readonly unknown[] };

/** One consumer's subscription: rule name, pattern, the SQS queue it feeds. */
export interface EventRule {
  /** The consumer (and rule) name, e.g. `inventory-reserve`. */
  readonly consumer: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  /** The queue between the rule and the consumer's Lambda, declared (with its DLQ, visibility and maxReceiveCount) in shared/events/queues.ts. */
  readonly queue: string;
  /** The event types the pattern selects, for docs and tests. */
  readonly eventTypes: readonly EventType[];
}

/** The pattern selecting exactly `types`: their sources and detail-types. */
export function patternFor(types: readonly EventType[]): EventPattern {
  const sources = [...new Set(types.map((type) => eventCatalog[type].source))].sort();
  return { source: sources, 'detail-type': [...types] };
}

function rule(consumer: string, description: string, eventTypes: readonly EventType[]): EventRule {
  return { consumer, description, eventPattern: patternFor(eventTypes), queue: consumer, eventTypes };
}

/**
 * THE subscriptions of the saga. CDK creates one rule + queue + DLQ per entry; the local bus
 * loads the same entries, so a pattern is written once.
 */
export const eventRules: readonly EventRule[] = [
  rule('inventory-reserve', 'Reserve stock for a new order, all lines or none.', ['order.created']),
  rule('payment-process', 'Charge the order once its stock is reserved.', ['inventory.reserved']),
  rule('order-finalize', 'Move the order to completed, rejected or payment_failed.', ['inventory.reservation_failed', 'payment.succeeded', 'payment.failed']),
  rule('inventory-release', 'Give reserved stock back after a failed payment or a cancel; settle it as sold once the order completes.', [
    'inventory.release_requested',
    'order.completed',
  ]),
  rule('order-status-projector', "Record every saga event in the order's status and timeline.", SAGA_EVENT_TYPES),
  rule('notification-send', 'Tell the customer that an order completed or its payment failed.', ['order.completed', 'order.payment_failed']),
];

/** The rule of `consumer`; throws on a name that is not declared. */
export function ruleFor(consumer: string): EventRule {
  const found = eventRules.find((entry) => entry.consumer === consumer);
  if (!found) throw new Error(`no event rule for consumer '${consumer}'`);
  return found;
}

/**
 * A pattern in the shape of aws-cdk-lib's `events.EventPattern` (`detail-type` → `detailType`),
 * so a construct can pass `eventPattern: cdkEventPattern(rule.eventPattern)`; CloudFormation
 * receives the same JSON the local bus matches.
 */
export function cdkEventPattern(pattern: EventPattern): Record<string, unknown> {
  return Object.fromEntries(Object.entries(pattern).map(([field, value]) => [field === 'detail-type' ? 'detailType' : field, value]));
}
