import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, parseRuntimeConfig, RuntimeConfigError } from './runtime-config.js';

const cognito = {
  mode: 'cognito',
  apiBaseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/',
  cognito: { domain: 'https://records.auth.eu-west-1.amazoncognito.com', clientId: '5abc123', redirectUri: 'https://d111.cloudfront.net/' },
};

describe('runtime config', () => {
  it('reads the local mode', () => {
    expect(parseRuntimeConfig({ mode: 'local' })).toEqual({ mode: 'local' });
  });

  it('reads the Cognito mode with its defaults (logout back to the console, OpenID scopes), the API URL without its trailing slash', () => {
    expect(parseRuntimeConfig(cognito)).toEqual({
      mode: 'cognito',
      apiBaseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com',
      cognito: { ...cognito.cognito, logoutUri: 'https://d111.cloudfront.net/', scopes: ['openid', 'email', 'profile'] },
    });
  });

  it.each([
    [null, /not a JSON object/],
    [{ mode: 'cognitoo' }, /mode must be/],
    [{ ...cognito, apiBaseUrl: 'http://api.example' }, /apiBaseUrl must be https/],
    [{ ...cognito, cognito: { ...cognito.cognito, clientId: undefined } }, /clientId is missing/],
    [{ ...cognito, cognito: { ...cognito.cognito, redirectUri: '/' } }, /redirectUri is not an absolute URL/],
    [{ ...cognito, cognito: { ...cognito.cognito, scopes: ['openid email'] } }, /scopes/],
  ])('refuses %j', (value, message) => {
    expect(() => parseRuntimeConfig(value)).toThrow(message);
  });

  it('says why when config.json is missing', async () => {
    const missing = (async () => new Response('{}', { status: 404 })) as typeof fetch;
    await expect(loadRuntimeConfig(missing)).rejects.toEqual(new RuntimeConfigError('config.json answered 404'));
  });
});
