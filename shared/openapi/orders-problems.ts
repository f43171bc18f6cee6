import { DependencyUnavailableError, ForbiddenError, ValidationError } from '../errors/app-error.js';
import { IdempotencyKeyInvalidError, IdempotencyKeyMissingError, OrderNotCancellableError, OrderNotFoundError } from '../orders/orders.errors.js';
import { commonProblems, type ProblemSample, render } from './problem-samples.js';

const EXAMPLE_ORDER = `ord_${'0'.repeat(32)}`;

/** The problems each orders operation answers with, besides authentication's (docs/orders.md). */
export function ordersProblems(id: string, instance: string): ProblemSample[] {
  const sample = (error: unknown, description: string) => render(error, description, instance);
  const notFound = sample(
    new OrderNotFoundError(EXAMPLE_ORDER),
    'No such order, or (for a viewer) another customer’s: the same answer, so existence never leaks.',
  );
  const byId: Record<string, ProblemSample[]> = {
    'orders-create': [
      sample(new IdempotencyKeyMissingError(), 'The Idempotency-Key header is missing.'),
      sample(new IdempotencyKeyInvalidError(), 'The Idempotency-Key header is not 1–255 printable ASCII characters.'),
      sample(
        new ForbiddenError('order.customerMismatch', 'A customer can only place orders for themselves: customer_id must be your own id.'),
        'A viewer ordered for another customer_id.',
      ),
      sample(
        new ValidationError([{ loc: ['body', 'items', 1, 'sku'], msg: "No product with SKU 'NOPE-1'", type: 'unknown_sku' }]),
        'A line is invalid (no items, more than 100 lines, quantity ≤ 0) or names an unknown SKU, or the Idempotency-Key was used with another body (type idempotency_key_reused); `loc` points at the bad part.',
      ),
    ],
    'orders-get': [notFound],
    'orders-cancel': [
      notFound,
      sample(new OrderNotCancellableError(EXAMPLE_ORDER, 'paid'), 'Payment has started (or the order ended): it can no longer be cancelled.'),
    ],
    'orders-list': [],
  };
  return [
    ...(byId[id] ?? []),
    sample(new DependencyUnavailableError('DynamoDB', 1), 'DynamoDB is unavailable; retry after Retry-After seconds.'),
    ...commonProblems(instance),
  ];
}
