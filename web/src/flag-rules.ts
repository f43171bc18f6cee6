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
export const REASONS: Record<string, string> = {
  default: 'no live rules: the declared default',
  disabled: 'the flag is off',
  deny: 'the user is on the deny list',
  allow: 'the user is on the allow list',
  role: 'the user’s role is targeted',
  rollout: 'the user falls in the rollout percentage',
  global: 'on for everyone',
  not_targeted: 'on, but this user is not targeted',
};

/** A flag's value in words: `on`, `off`, or the variant. */
export const shown = (value: FlagValue) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : value);
