import { eventCatalog, type EventType } from './catalog.js';

/** An EventBridge event pattern as JSON (validated by the local bus and by AWS at deploy). */
export type EventPattern = { [field: string]: EventPattern | readonly unknown[] };

/** One consumer's subscription: rule name, pattern, the SQS queue it feeds. */
export interface EventRule {
  /** The consumer (and rule) name, e.g. `inventory-reserve`. */
  readonly consumer: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  /** The queue (and its DLQ, `<queue>-dlq`) between the rule and the consumer's Lambda. */
  readonly queue: string;
  /** Receives before a message goes to the DLQ. */
  readonly maxReceiveCount: number;
  /** The event types the pattern selects, for docs and tests. */
  readonly eventTypes: readonly EventType[];
}

/** The pattern selecting exactly `types`: their sources and detail-types. */
export function patternFor(types: readonly EventType[]): EventPattern {
  const sources = [...new Set(types.map((type) => eventCatalog[type].source))].sort();
  return { source: sources, 'detail-type': [...types] };
}

function rule(consumer: string, description: string, eventTypes: readonly EventType[]): EventRule {
  return { consumer, description, eventPattern: patternFor(eventTypes), queue: `records-${consumer}`, maxReceiveCount: 3, eventTypes };
}

/**
 * THE subscriptions of the saga. CDK creates one rule + queue + DLQ per entry; the local bus
 * loads the same entries, so a pattern is written once.
 */
export const eventRules: readonly EventRule[] = [
  rule('inventory-reserve', 'Reserve stock for a new order, all lines or none.', ['order.created']),
  rule('payment-process', 'Charge the order once its stock is reserved.', ['inventory.reserved']),
  rule('order-finalize', 'Move the order to completed, rejected or payment_failed.', [
    'inventory.reservation_failed',
    'payment.succeeded',
    'payment.failed',
  ]),
  rule('inventory-release', 'Give reserved stock back after a failed payment or a cancel.', ['inventory.release_requested']),
  rule('order-status-projector', "Record every saga event in the order's status and timeline.", Object.keys(eventCatalog) as EventType[]),
];

/** The rule of `consumer`; throws on a name that is not declared. */
export function ruleFor(consumer: string): EventRule {
  const found = eventRules.find((entry) => entry.consumer === consumer);
  if (!found) throw new Error(`no event rule for consumer '${consumer}'`);
  return found;
}
