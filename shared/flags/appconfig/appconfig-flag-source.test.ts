import { AppConfigDataClient, GetLatestConfigurationCommand, StartConfigurationSessionCommand } from '@aws-sdk/client-appconfigdata';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { appConfigFlagSource } from './appconfig-flag-source.js';

const appconfig = mockClient(AppConfigDataClient);
afterEach(() => appconfig.reset());

// The SDK hands Powertools the payload bytes; the blob adapter's extra methods are not used.
const body = (document: unknown) => new TextEncoder().encode(JSON.stringify(document)) as never;
const options = (clock: { now: number }) => ({
  application: 'records',
  environment: 'prod',
  profile: 'flags',
  maxAgeSeconds: 60,
  client: new AppConfigDataClient({ region: 'us-east-1' }),
  now: () => clock.now,
});

describe('appConfigFlagSource', () => {
  it('reads AppConfig once per max age, not once per call', async () => {
    appconfig.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 't0' });
    appconfig
      .on(GetLatestConfigurationCommand)
      .resolves({ Configuration: body({ push_notifications: { enabled: true, allow: ['u1'] } }), NextPollConfigurationToken: 't1' });
    const source = appConfigFlagSource(options({ now: 0 }));
    for (let i = 0; i < 5; i++) expect((await source.current()).document.push_notifications?.allow).toEqual(['u1']);
    expect(appconfig.commandCalls(GetLatestConfigurationCommand)).toHaveLength(1);
    const snapshot = await source.current();
    expect(snapshot.source).toBe('appconfig:records/prod/flags');
    expect(snapshot.error).toBeUndefined();
  });

  it('keeps the declared defaults and reports the outage when AppConfig is unreachable, without retrying per call', async () => {
    appconfig.on(StartConfigurationSessionCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    const clock = { now: 0 };
    const source = appConfigFlagSource(options(clock));
    const first = await source.current();
    expect(first.document).toEqual({});
    expect(first.error).toMatch(/AppConfig unavailable/);
    await source.current();
    await source.current();
    expect(appconfig.commandCalls(StartConfigurationSessionCommand)).toHaveLength(1);
    clock.now += 10_000;
    await source.current();
    expect(appconfig.commandCalls(StartConfigurationSessionCommand)).toHaveLength(2);
  });

  it('refuses an invalid document and says why', async () => {
    appconfig.on(StartConfigurationSessionCommand).resolves({ InitialConfigurationToken: 't0' });
    appconfig.on(GetLatestConfigurationCommand).resolves({ Configuration: body({ push_notifications: { enabled: 'yes' } }), NextPollConfigurationToken: 't1' });
    const snapshot = await appConfigFlagSource(options({ now: 0 })).current();
    expect(snapshot.document).toEqual({});
    expect(snapshot.error).toContain('push_notifications.enabled');
  });
});
