import { describe, expect, it } from 'vitest';
import { describeRules, explainAnswer } from './flag-rules.js';

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

describe('explainAnswer', () => {
  it('says which side of a rollout the user fell on, and every other reason in words', () => {
    expect(explainAnswer(false, 'rollout')).toBe('the user is outside the rollout percentage');
    expect(explainAnswer(true, 'rollout')).toBe('the user is inside the rollout percentage');
    expect(explainAnswer(true, 'allow')).toBe('the user is on the allow list');
    expect(explainAnswer(false, 'not_targeted')).toBe('the user is not among those targeted');
    expect(explainAnswer('blue', 'something_new')).toBe('something_new');
  });
});
