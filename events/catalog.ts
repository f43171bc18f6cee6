import * as z from 'zod/mini';
import { envelopeOf } from './envelope.js';
import { importCompleted } from './imports.js';
import { inventoryReleased, inventoryReleaseRequested, inventoryReservationFailed, inventoryReserved } from './inventory.js';
import { orderCancelled, orderCompleted, orderCreated, orderPaymentFailed, orderRejected } from './orders.js';
import { paymentFailed, paymentSucceeded } from './payments.js';
// npm run new:entity adds event imports above this line

/**
 * EventBridge `source` of each entity that publishes its changes (`npm run new:entity --
 * --with-events`): `<singular>.created|updated|deleted` from `records.<name>`.
 */
export const ENTITY_EVENT_SOURCES = {
  // npm run new:entity adds entity event sources above this line
} as const;

/** EventBridge `source` per domain: the part of the type before the dot picks it. */
export const EVENT_SOURCES = {
  order: 'records.orders',
  inventory: 'records.inventory',
  payment: 'records.payments',
  import: 'records.imports',
  ...ENTITY_EVENT_SOURCES,
} as const;

export type EventSource = (typeof EVENT_SOURCES)[keyof typeof EVENT_SOURCES];

function declare<Type extends `${keyof typeof EVENT_SOURCES}.${string}`, Data extends z.core.$ZodType>(
  type: Type,
  data: Data,
  description: string,
  version = 1,
) {
  const domain = type.slice(0, type.indexOf('.')) as keyof typeof EVENT_SOURCES;
  return { type, source: EVENT_SOURCES[domain], version, description, data, envelope: envelopeOf(type, data) } as const;
}

/**
 * THE list of domain events: EventBridge source and detail-type, schema version, the zod
 * schema of `data` and of the whole envelope. JSON Schema (events/schemas/), rules, CDK's
 * schema registry and the publishers all read it.
 */
export const eventCatalog = {
  'order.created': declare('order.created', orderCreated, 'An order was accepted (status pending); starts the saga.'),
  'inventory.reserved': declare('inventory.reserved', inventoryReserved, 'Stock for every line of the order was reserved in one transaction.'),
  'inventory.reservation_failed': declare('inventory.reservation_failed', inventoryReservationFailed, 'Nothing was reserved: a line was short or unknown.'),
  'payment.succeeded': declare('payment.succeeded', paymentSucceeded, 'The order total was charged (at most once per order).'),
  'payment.failed': declare('payment.failed', paymentFailed, 'The charge was refused, timed out or the gateway was unavailable.'),
  'order.completed': declare('order.completed', orderCompleted, 'Paid and reserved: the order reached its final good state.'),
  'order.rejected': declare('order.rejected', orderRejected, 'The order could not be reserved and ends rejected.'),
  'order.payment_failed': declare('order.payment_failed', orderPaymentFailed, 'The order ends payment_failed; its stock is being released.'),
  'order.cancelled': declare('order.cancelled', orderCancelled, 'The customer or staff cancelled the order before payment started.'),
  'inventory.release_requested': declare(
    'inventory.release_requested',
    inventoryReleaseRequested,
    'Reserved stock of a failed or cancelled order must go back.',
  ),
  'inventory.released': declare('inventory.released', inventoryReleased, 'Reserved stock went back to available.'),
  'import.completed': declare('import.completed', importCompleted, 'An import job ended (completed, completed_with_errors or failed); its totals and report.'),
  // npm run new:entity adds entity change events above this line
} as const;

export type EventType = keyof typeof eventCatalog;
export const EVENT_TYPES = Object.keys(eventCatalog) as EventType[];

/** The order saga's events: those of orders, inventory and payments (import and entity change events name no order). */
export type SagaEventType = Extract<EventType, `order.${string}` | `inventory.${string}` | `payment.${string}`>;
const SAGA_SOURCES: readonly string[] = [EVENT_SOURCES.order, EVENT_SOURCES.inventory, EVENT_SOURCES.payment];
export const SAGA_EVENT_TYPES = EVENT_TYPES.filter((type): type is SagaEventType => SAGA_SOURCES.includes(eventCatalog[type].source));
/** The change events of entities (`<singular>.created|updated|deleted`), declared by the scaffolder. */
export const ENTITY_EVENT_TYPES = EVENT_TYPES.filter((type) => (Object.values(ENTITY_EVENT_SOURCES) as string[]).includes(eventCatalog[type].source));

/** The envelope of `type`, typed. */
export type EventEnvelope<Type extends EventType> = z.infer<(typeof eventCatalog)[Type]['envelope']>;
export type EventData<Type extends EventType> = z.infer<(typeof eventCatalog)[Type]['data']>;

/** Every envelope, discriminated on `type`: parse an incoming `detail` with it. */
export const domainEvent = z.discriminatedUnion(
  'type',
  Object.values(eventCatalog).map((entry) => entry.envelope) as unknown as [
    (typeof eventCatalog)[EventType]['envelope'],
    ...(typeof eventCatalog)[EventType]['envelope'][],
  ],
);

export type DomainEvent = z.infer<typeof domainEvent>;

/** A saga event (it names its order): narrows a parsed envelope for the order consumers. */
export function isSagaEvent(event: DomainEvent): event is EventEnvelope<SagaEventType> {
  return SAGA_SOURCES.includes(eventCatalog[event.type].source);
}

/** The source of `type` (`order.created` → `records.orders`). */
export function sourceOf(type: EventType): EventSource {
  return eventCatalog[type].source;
}
