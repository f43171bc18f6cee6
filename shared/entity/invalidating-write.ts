import type { EntityCache } from '../cache/entity-cache.js';
import { AppError } from '../errors/app-error.js';

/**
 * Runs a write of item `id` of `entity` and invalidates the cache after it — also when it
 * failed in a way that may have written anyway (timeouts, 5xx), not when it certainly wrote
 * nothing. Every write of a cached entity goes through here (CRUD, the stock route).
 */
export async function invalidatingWrite<T>(cache: EntityCache | undefined, entity: string, id: string, write: () => Promise<T>): Promise<T> {
  if (!cache) return write();
  try {
    const result = await write();
    await cache.invalidate(entity, id);
    return result;
  } catch (error) {
    if (!wroteNothing(error)) await cache.invalidate(entity, id);
    throw error;
  }
}

/** Errors after which the store certainly holds what it held before the write. */
function wroteNothing(error: unknown): boolean {
  return error instanceof AppError && ['validation', 'notFound', 'conflict', 'preconditionFailed'].includes(error.kind);
}
