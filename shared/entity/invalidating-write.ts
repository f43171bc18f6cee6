import type { EntityCache } from '../cache/entity-cache.js';
import { AppError } from '../errors/app-error.js';

/**
 * Runs a write of item `id` (or of each of `ids`, one transaction) of `entity` and invalidates
 * the cache after it — also when it failed in a way that may have written anyway (timeouts,
 * 5xx), not when it certainly wrote nothing. Every write of a cached entity goes through here
 * (CRUD, the stock route, the inventory consumers).
 */
export async function invalidatingWrite<T>(
  cache: EntityCache | undefined,
  entity: string,
  id: string | readonly string[],
  write: () => Promise<T>,
): Promise<T> {
  if (!cache) return write();
  const invalidate = () => (typeof id === 'string' ? cache.invalidate(entity, id) : cache.invalidateMany(entity, id));
  try {
    const result = await write();
    await invalidate();
    return result;
  } catch (error) {
    if (!wroteNothing(error)) await invalidate();
    throw error;
  }
}

/** Errors after which the store certainly holds what it held before the write. */
function wroteNothing(error: unknown): boolean {
  return error instanceof AppError && ['validation', 'notFound', 'conflict', 'preconditionFailed'].includes(error.kind);
}
