/** The API's roles in ascending order of power (docs/auth.md). */
export const ROLES = ['viewer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do in the console, as the API's route permissions allow it. */
export const ROLE_SUMMARIES: Record<Role, string> = {
  viewer: 'Browse students, charts and orders',
  staff: 'Also create, edit and import students, and place test orders',
  admin: 'Also delete students and administer the cache, metrics, API keys, tokens and flags',
};

/** Whether `role` reaches `needed` (staff may do what viewers may, admins what staff may). */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
