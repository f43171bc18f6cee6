import * as z from 'zod/mini';
import type { Permission } from '../entity/define-entity.js';

/** Roles in ascending order of power: each one may do what the ones before it may. */
export const ROLES = ['viewer', 'staff', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

/** Whether a caller with `role` (null: authenticated but in no role group) may use `permission`. */
export function roleSatisfies(role: Role | null, permission: Permission): boolean {
  if (permission === 'public') return true;
  if (role === null) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(permission);
}

/**
 * The most powerful role among identity-provider groups (`cognito:groups`); other group
 * names are ignored, and no role group at all yields null.
 */
export function highestRole(groups: readonly unknown[]): Role | null {
  let best: Role | null = null;
  for (const group of groups) {
    if (typeof group !== 'string' || !(ROLES as readonly string[]).includes(group)) continue;
    const role = group as Role;
    if (best === null || ROLES.indexOf(role) > ROLES.indexOf(best)) best = role;
  }
  return best;
}
