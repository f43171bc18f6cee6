import { describe, expect, it } from 'vitest';
import { highestRole, roleSatisfies } from './role.js';

describe('roles', () => {
  it('orders admin > staff > viewer', () => {
    expect(roleSatisfies('admin', 'staff')).toBe(true);
    expect(roleSatisfies('staff', 'viewer')).toBe(true);
    expect(roleSatisfies('viewer', 'staff')).toBe(false);
    expect(roleSatisfies('staff', 'admin')).toBe(false);
  });

  it('lets anyone, even without a role, use public routes, and nothing else', () => {
    expect(roleSatisfies(null, 'public')).toBe(true);
    expect(roleSatisfies(null, 'viewer')).toBe(false);
  });

  it('picks the highest role group and ignores anything else', () => {
    expect(highestRole(['viewer', 'admin'])).toBe('admin');
    expect(highestRole(['Admin', 'admins', 42, 'staff'])).toBe('staff');
    expect(highestRole([])).toBeNull();
  });
});
