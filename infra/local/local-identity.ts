import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import type { Role } from '../../shared/auth/role.js';
import { ROOT } from '../build/bundle-functions.js';

/** The local identity provider's issuer and app client id (Cognito: pool URL and client id). */
export const LOCAL_ISSUER = 'urn:records-platform:local-idp';
export const LOCAL_AUDIENCE = 'records-platform-local';
export const LOCAL_AUTH_DIR = path.join(ROOT, '.local', 'auth');
/** Cognito signs with RS256; so does the local stand-in. */
export const LOCAL_ALG = 'RS256';

export interface LocalIdentity {
  privateKey: CryptoKey;
  /** The public half as a JWK (with kid/alg/use): what the JWKS endpoint serves. */
  publicJwk: JWK;
  jwks: JSONWebKeySet;
  /** `jwks.json` beside the key, for `AUTH_JWKS_FILE`. */
  jwksFile: string;
}

export interface MintOptions {
  role?: Role | null;
  sub?: string;
  /** Lifetime in seconds. @default 3600 */
  ttlSeconds?: number;
  jti?: string;
  /** Extra or replacing claims (e.g. `client_id` for a wrong audience). */
  claims?: Record<string, unknown>;
  /** Issued-at override, epoch seconds (expired tokens). */
  issuedAt?: number;
}

/**
 * The local signing key: an RS256 key pair generated under `.local/auth/` on first use (never
 * committed) and reused after. Creation is atomic (write + link), so parallel test workers
 * and `npm start` agree on one key.
 */
export async function loadLocalIdentity(dir = LOCAL_AUTH_DIR): Promise<LocalIdentity> {
  const keyFile = path.join(dir, 'signing-key.json');
  if (!existsSync(keyFile)) await createKey(dir, keyFile);
  const privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  const privateKey = (await importJWK(privateJwk, LOCAL_ALG)) as CryptoKey;
  const { kty, n, e, kid, alg, use } = privateJwk;
  const publicJwk: JWK = { kty, n, e, kid, alg, use };
  const jwks = { keys: [publicJwk] };
  const jwksFile = path.join(dir, 'jwks.json');
  const temp = `${jwksFile}.${process.pid}.${randomUUID()}`;
  writeFileSync(temp, JSON.stringify(jwks, null, 2));
  renameSync(temp, jwksFile);
  return { privateKey, publicJwk, jwks, jwksFile };
}

async function createKey(dir: string, keyFile: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair(LOCAL_ALG, { extractable: true, modulusLength: 2048 });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const jwk = { ...(await exportJWK(privateKey)), kid, alg: LOCAL_ALG, use: 'sig' };
  const temp = `${keyFile}.${process.pid}.${randomUUID()}`;
  writeFileSync(temp, JSON.stringify(jwk), { mode: 0o600 });
  try {
    linkSync(temp, keyFile); // fails if another process won the race: keep theirs
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * A token shaped like a Cognito access token (`token_use: access`, `client_id`,
 * `cognito:groups`), signed with the local key.
 */
export async function mintLocalToken(identity: LocalIdentity, options: MintOptions = {}): Promise<string> {
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const sub = options.sub ?? `local-${options.role ?? 'user'}`;
  const role = options.role === undefined ? 'viewer' : options.role;
  return new SignJWT({
    token_use: 'access',
    client_id: LOCAL_AUDIENCE,
    scope: 'aws.cognito.signin.user.admin',
    username: sub,
    ...(role ? { 'cognito:groups': [role] } : {}),
    ...options.claims,
  })
    .setProtectedHeader({ alg: LOCAL_ALG, kid: identity.publicJwk.kid!, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setSubject(sub)
    .setJti(options.jti ?? randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? 3600))
    .sign(identity.privateKey);
}

/** The environment the authorizer needs to trust the local identity provider. */
export function localAuthEnv(jwksUrl: string): Record<string, string> {
  return { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: LOCAL_ISSUER, AUTH_AUDIENCE: LOCAL_AUDIENCE };
}

/** `90`, `90s`, `15m`, `1h`, `2d` → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) throw new Error(`not a duration: '${text}' (use e.g. 90s, 15m, 1h, 2d)`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
