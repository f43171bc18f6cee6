import { ROLES } from '../auth/role.js';
import type { Permission } from './define-entity.js';

/** The least demanding of some permissions: what a function serving routes of all of them must let through. */
export function lowestPermission(first: Permission, ...rest: Permission[]): Permission {
  return rest.reduce((low, next) => {
    if (low === 'public' || next === 'public') return 'public';
    return ROLES.indexOf(low) <= ROLES.indexOf(next) ? low : next;
  }, first);
}
