import type { EventData } from '../../events/catalog.js';

/** One SKU's units in a reservation or a release. */
export type StockLine = EventData<'inventory.reserved'>['items'][number];

/**
 * The order's lines with each SKU once, its quantities summed, in first-seen order. The
 * orders API refuses duplicate SKUs, but an event is input: two Updates of one item in one
 * transaction would be refused by DynamoDB (ValidationException), and per-line conditions
 * would each check only part of the quantity.
 */
export function mergeLines(items: readonly { sku: string; quantity: number }[]): StockLine[] {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of items) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
}
