/**
 * The arithmetic of DynamoDB's 100-actions-per-TransactWriteItems limit for the inventory
 * steps (docs/orders.md, "Inventory"). Every step writes its product lines plus:
 * - the reservation record (1) — always;
 * - the order: its status update or a condition check (1) — reserve steps;
 * - the outbox row (1) — the step that finishes a reservation, a failure or a release.
 * A commit (order completed) writes lines + record and no event; it is split like a release,
 * which keeps one action free for an `inventory.committed` row should one be published.
 */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Lines of a reservation that commits in one step: lines + record + order + outbox. */
export const MAX_FINAL_RESERVE_LINES = MAX_TRANSACTION_ACTIONS - 3;
/**
 * Lines an earlier reserve step may hold before the final one: lines + record + order check.
 * Held lines are given back by ONE compensating step (lines + record + order check + outbox)
 * if the final step is refused, so all earlier steps together hold at most this many too.
 */
export const MAX_HELD_LINES = MAX_TRANSACTION_ACTIONS - 3;
/** Lines of the step that finishes a release: lines + record + outbox. */
export const MAX_FINAL_RELEASE_LINES = MAX_TRANSACTION_ACTIONS - 2;
/** Lines of an earlier release step: lines + record. */
export const MAX_EARLY_RELEASE_LINES = MAX_TRANSACTION_ACTIONS - 1;
/** Lines of the step that finishes a commit: lines + record (+ the spare action, see above). */
export const MAX_FINAL_COMMIT_LINES = MAX_FINAL_RELEASE_LINES;

/** The most lines a reservation can have: one early step, then the final one. */
export const MAX_RESERVATION_LINES = MAX_HELD_LINES + MAX_FINAL_RESERVE_LINES;

/**
 * How many lines a reserve step holds, given how many are already held of `total`: all the
 * rest when they fit the final step, otherwise just enough that the rest will (the early
 * step is kept small, so a refused final step has little to give back).
 * @throws Error for more than MAX_RESERVATION_LINES lines (MAX_ORDER_LINES is far below)
 */
export function reserveStepSize(total: number, held: number): number {
  if (total > MAX_RESERVATION_LINES) throw new Error(`a reservation of ${total} lines does not fit two transactions (max ${MAX_RESERVATION_LINES})`);
  const rest = total - held;
  return rest <= MAX_FINAL_RESERVE_LINES ? rest : rest - MAX_FINAL_RESERVE_LINES;
}

/**
 * How many of the `held` lines a release step gives back: all when they fit the final step,
 * otherwise the excess over it (at most MAX_EARLY_RELEASE_LINES per step).
 */
export function releaseStepSize(held: number): number {
  return held <= MAX_FINAL_RELEASE_LINES ? held : Math.min(held - MAX_FINAL_RELEASE_LINES, MAX_EARLY_RELEASE_LINES);
}

/**
 * How many of the `held` lines a commit step settles as sold: all when they fit the final
 * step, otherwise the excess over it (so 99 and 100 lines take two steps, as a release does).
 */
export function commitStepSize(held: number): number {
  return held <= MAX_FINAL_COMMIT_LINES ? held : Math.min(held - MAX_FINAL_COMMIT_LINES, MAX_EARLY_RELEASE_LINES);
}
