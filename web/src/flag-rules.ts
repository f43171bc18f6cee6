/** A flag's answer: on/off, or a variant's name. */
export type FlagValue = boolean | string;

/** A flag's live rules as `GET /api/v1/admin/flags` shows them (null: none). */
export interface LiveRules {
  enabled: boolean;
  allow: string[];
  deny: string[];
  roles: string[];
  percentage?: number;
  variant?: string;
}

/** A flag's live rules in words: `On · allow local-staff · 10 % of users`. */
export function describeRules(rules: LiveRules | null): string {
  if (!rules) return 'No live rules: the default applies';
  if (!rules.enabled) return 'Off';
  const parts = ['On'];
  if (rules.allow.length) parts.push(`allow ${rules.allow.join(', ')}`);
  if (rules.deny.length) parts.push(`deny ${rules.deny.join(', ')}`);
  if (rules.roles.length) parts.push(`roles ${rules.roles.join(', ')}`);
  if (rules.percentage !== undefined) parts.push(`${rules.percentage} % of users`);
  if (rules.variant !== undefined) parts.push(`variant ${rules.variant}`);
  return parts.join(' · ');
}

/** Why a flag answered what it did, for someone who did not write the rules. */
export function explainAnswer(value: FlagValue, reason: string): string {
  switch (reason) {
    case 'default':
      return 'no live rules: the declared default';
    case 'disabled':
      return 'the flag is off';
    case 'deny':
      return 'the user is on the deny list';
    case 'allow':
      return 'the user is on the allow list';
    case 'role':
      return 'the user’s role is targeted';
    case 'rollout':
      return value === false ? 'the user is outside the rollout percentage' : 'the user is inside the rollout percentage';
    case 'global':
      return 'on for everyone (no one is targeted)';
    case 'not_targeted':
      return 'the user is not among those targeted';
    default:
      return reason;
  }
}

/** A flag's value in words: `on`, `off`, or the variant. */
export const shown = (value: FlagValue) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : value);
