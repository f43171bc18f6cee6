import { describe, expect, it } from 'vitest';
import { createFeatureFlags } from './feature-flags.js';
import type { FlagSource } from './flag-source.js';
import { flagRulesSchema } from './flag-rules.js';

const source = (document: Record<string, object>): FlagSource => ({
  current: async () => ({
    document: Object.fromEntries(Object.entries(document).map(([name, rules]) => [name, flagRulesSchema.parse(rules)])),
    source: 'test',
  }),
});

describe('createFeatureFlags', () => {
  it('answers isEnabled from the live rules and counts each evaluation per flag and value', async () => {
    const counted: string[] = [];
    const flags = createFeatureFlags({
      source: source({ push_notifications: { enabled: true, allow: ['u1'] } }),
      count: (flag, value) => counted.push(`${flag}=${value}`),
    });
    expect(await flags.isEnabled('push_notifications', { userId: 'u1' })).toBe(true);
    expect(await flags.isEnabled('push_notifications', { userId: 'u2' })).toBe(false);
    expect(counted).toEqual(['push_notifications=true', 'push_notifications=false']);
  });

  it('falls back to the declared default for a flag without live rules, and to false for an unknown name', async () => {
    const flags = createFeatureFlags({ source: source({}) });
    expect(await flags.evaluate('sms_for_important', { userId: 'u1' })).toEqual({ value: false, reason: 'default' });
    expect(await flags.evaluate('no_such_flag', { userId: 'u1' })).toEqual({ value: false, reason: 'default' });
  });

  it('never throws when the source fails: declared defaults apply', async () => {
    const broken: FlagSource = { current: async () => ({ document: {}, source: 'appconfig:x', error: 'AppConfig unavailable' }) };
    const flags = createFeatureFlags({ source: broken });
    expect(await flags.isEnabled('new_notification_pipeline')).toBe(false);
    expect((await flags.describe()).error).toBe('AppConfig unavailable');
  });

  it('describes every declared flag with its rules (null when none)', async () => {
    const described = await createFeatureFlags({ source: source({ sms_for_important: { enabled: true, percentage: 10 } }) }).describe();
    expect(described.flags.map((flag) => flag.declaration.name)).toEqual(['push_notifications', 'new_notification_pipeline', 'sms_for_important']);
    expect(described.flags.find((flag) => flag.declaration.name === 'sms_for_important')?.rules?.percentage).toBe(10);
    expect(described.flags.find((flag) => flag.declaration.name === 'push_notifications')?.rules).toBeNull();
  });
});
