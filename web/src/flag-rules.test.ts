import { describe, expect, it } from 'vitest';
import { describeRules } from './flag-rules.js';

describe('describeRules', () => {
  it('puts a flag’s live rules in words', () => {
    expect(describeRules(null)).toBe('No live rules: the default applies');
    expect(describeRules({ enabled: false, allow: ['a'], deny: [], roles: [] })).toBe('Off');
    expect(describeRules({ enabled: true, allow: ['local-staff'], deny: ['x'], roles: ['admin'], percentage: 10, variant: 'blue' })).toBe(
      'On · allow local-staff · deny x · roles admin · 10 % of users · variant blue',
    );
    expect(describeRules({ enabled: true, allow: [], deny: [], roles: [] })).toBe('On');
  });
});
