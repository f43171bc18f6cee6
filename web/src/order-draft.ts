import type { Problem } from './problem.js';

/** One line of the test-order form: a product and how many. */
export interface DraftLine {
  sku: string;
  quantity: number;
}

/** The body of `POST /api/v1/orders` (docs/orders.md, "Create"). */
export interface OrderBody {
  customer_id: string;
  items: DraftLine[];
  payment: { method: 'card'; token: string };
}

/** The fake gateway's test cards (shared/payments/fake/fake-payment-provider.ts), each with the end it leads to. */
export const TEST_CARDS = [
  { token: 'tok_ok', label: 'Test card: approved' },
  { token: 'tok_decline', label: 'Test card: declined' },
  { token: 'tok_insufficient_funds', label: 'Test card: insufficient funds' },
] as const;

/**
 * Idempotency keys for the create form: the same body sends the same key (a double click or
 * a retry after a lost answer makes one order, not two), a changed body a new one (the API
 * answers 422 `idempotency_key_reused` to the same key with another body).
 */
export function idempotencyKeys(newKey: () => string = () => crypto.randomUUID()) {
  let last: { body: string; key: string } | undefined;
  return {
    keyFor(body: OrderBody): string {
      const canonical = JSON.stringify(body);
      if (last?.body !== canonical) last = { body: canonical, key: newKey() };
      return last.key;
    },
    /** After an order was made: the next one, even with the same body, is a new order. */
    reset(): void {
      last = undefined;
    },
  };
}

export interface OrderFormErrors {
  customer: string[];
  /** Messages per line index and field (`sku`, `quantity`), from `loc = ["body", "items", i, field]`. */
  lines: Map<number, { sku: string[]; quantity: string[] }>;
  card: string[];
  /** Messages about the whole list of lines (`["body", "items"]`: none, or too many). */
  items: string[];
  other: string[];
}

/** Sorts a 422's `errors[].loc` onto the test-order form: customer, each line's product or quantity, the card. */
export function orderFormErrors(problem: Problem | undefined): OrderFormErrors {
  const result: OrderFormErrors = { customer: [], lines: new Map(), card: [], items: [], other: [] };
  for (const { loc, msg } of problem?.errors ?? []) {
    const [where, field, index, part] = loc;
    if (where === 'body' && field === 'customer_id') result.customer.push(msg);
    else if (where === 'body' && field === 'payment') result.card.push(msg);
    else if (where === 'body' && field === 'items' && typeof index === 'number' && (part === 'sku' || part === 'quantity')) {
      const line = result.lines.get(index) ?? { sku: [], quantity: [] };
      line[part].push(msg);
      result.lines.set(index, line);
    } else if (where === 'body' && field === 'items' && loc.length === 2) result.items.push(msg);
    else result.other.push(loc.length > 0 ? `${loc.join('.')}: ${msg}` : msg);
  }
  return result;
}
