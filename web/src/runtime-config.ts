/**
 * What the console learns at run time from `config.json` beside its page, so one build runs
 * on `npm start` (the local gateway answers `{"mode": "local"}`) and in AWS (the CDK console
 * hosting writes the Cognito ids and the API URL at deploy time).
 */
export type RuntimeConfig = LocalRuntimeConfig | CognitoRuntimeConfig;

export interface LocalRuntimeConfig {
  readonly mode: 'local';
}

export interface CognitoRuntimeConfig {
  readonly mode: 'cognito';
  /** Where `/api/v1/…` and `/openapi.json` live (another origin than the console's). */
  readonly apiBaseUrl: string;
  readonly cognito: CognitoSettings;
}

export interface CognitoSettings {
  /** The hosted UI's base URL, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domain: string;
  /** The console's app client (public: no secret; authorization code + PKCE). */
  readonly clientId: string;
  /** Where Cognito sends the browser back with `?code=…&state=…`: the console's own URL. */
  readonly redirectUri: string;
  /** Where Cognito's `/logout` returns to. @default redirectUri */
  readonly logoutUri?: string;
  /** @default ['openid', 'email', 'profile'] */
  readonly scopes?: readonly string[];
}

/** `config.json` is missing or unreadable: the console cannot know how to sign in. */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
}

/** Validates a parsed `config.json`; URLs must be absolute (https, or http on a loopback host). */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const config = value as (Omit<Partial<CognitoRuntimeConfig>, 'mode'> & { mode?: unknown }) | null;
  if (typeof config !== 'object' || config === null) throw new RuntimeConfigError('config.json is not a JSON object');
  if (config.mode === 'local') return { mode: 'local' };
  if (config.mode !== 'cognito') throw new RuntimeConfigError('config.json: mode must be "local" or "cognito"');
  const cognito = (config.cognito ?? {}) as Partial<CognitoSettings>;
  const scopes = cognito.scopes ?? ['openid', 'email', 'profile'];
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    throw new RuntimeConfigError('config.json: cognito.scopes must be a list of scope names');
  }
  if (typeof cognito.clientId !== 'string' || !/^[\w+]+$/.test(cognito.clientId)) throw new RuntimeConfigError('config.json: cognito.clientId is missing');
  const redirectUri = absoluteUrl(cognito.redirectUri, 'cognito.redirectUri');
  return {
    mode: 'cognito',
    apiBaseUrl: absoluteUrl(config.apiBaseUrl, 'apiBaseUrl').replace(/\/+$/, ''),
    cognito: {
      domain: absoluteUrl(cognito.domain, 'cognito.domain').replace(/\/+$/, ''),
      clientId: cognito.clientId,
      redirectUri,
      logoutUri: cognito.logoutUri === undefined ? redirectUri : absoluteUrl(cognito.logoutUri, 'cognito.logoutUri'),
      scopes,
    },
  };
}

/** Reads `config.json` next to the page (relative, so `/console/` locally and `/` in AWS). */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch, url = 'config.json'): Promise<RuntimeConfig> {
  let res: Response;
  try {
    res = await fetchImpl(url, { credentials: 'omit' });
  } catch (cause) {
    throw new RuntimeConfigError(`config.json could not be fetched (${(cause as Error).message})`);
  }
  if (!res.ok) throw new RuntimeConfigError(`config.json answered ${res.status}`);
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new RuntimeConfigError('config.json is not JSON');
  }
  return parseRuntimeConfig(body);
}

function absoluteUrl(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new RuntimeConfigError(`config.json: ${field} is missing`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RuntimeConfigError(`config.json: ${field} is not an absolute URL`);
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new RuntimeConfigError(`config.json: ${field} must be https`);
  return value;
}
