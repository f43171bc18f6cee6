import { AsyncLocalStorage } from 'node:async_hooks';

/** The time an invocation may still spend, shared with adapters without threading it through. */
export interface RequestBudget {
  /** Epoch ms when the handler's answer is due (the early-timeout point). */
  deadline: number;
  /** Milliseconds the handler was given. */
  budgetMs: number;
  /** Aborted at the deadline: pass it to SDK calls so abandoned work stops. */
  signal?: AbortSignal;
  /** Retries the SDK made for this request so far: they spend its budget (`X-Retry-Count`). */
  retries?: number;
}

const storage = new AsyncLocalStorage<RequestBudget>();

/** Runs `work` with a budget visible to `currentBudget()` in everything it awaits. */
export function withBudget<T>(budget: RequestBudget, work: () => Promise<T>): Promise<T> {
  return storage.run(budget, work);
}

/** The budget of the current invocation, if any (undefined in scripts and unit tests). */
export function currentBudget(): RequestBudget | undefined {
  return storage.getStore();
}

/** SDK call options derived from the remaining budget: abort when it runs out. */
export function budgetedCallOptions(): { abortSignal?: AbortSignal } {
  const budget = currentBudget();
  return budget?.signal ? { abortSignal: budget.signal } : {};
}

/** Counts one retry of a dependency call against the current request (`X-Retry-Count`). */
export function countRetry(): void {
  const budget = currentBudget();
  if (budget) budget.retries = (budget.retries ?? 0) + 1;
}

/** Retries the current request's dependency calls made so far (0 outside a request). */
export function retryCount(): number {
  return currentBudget()?.retries ?? 0;
}
