import { createPublicKey, randomUUID } from 'node:crypto';
import { decodeJwt, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import {
  LOCAL_ALG,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalIdentity,
  loadLocalIdentity,
  type MintOptions,
  mintLocalToken,
} from '../../../infra/local/local-identity.js';
import type { Role } from '../../../shared/auth/role.js';

let identity: Promise<LocalIdentity> | undefined;

/** The local identity provider's key (`.local/auth/`, created by the global setup). */
export function localIdentity(): Promise<LocalIdentity> {
  identity ??= loadLocalIdentity();
  return identity;
}

/** A valid access token for `role` (null: a user in no role group). */
export async function tokenFor(role: Role | null, options: Omit<MintOptions, 'role'> = {}): Promise<string> {
  return mintLocalToken(await localIdentity(), { ...options, role });
}

const standard = new Map<Role | null, Promise<string>>();

/** `Authorization` header of a valid token for `role`; one shared token per role unless options are given. */
export async function bearer(role: Role | null, options?: Omit<MintOptions, 'role'>): Promise<Record<string, string>> {
  let token: Promise<string>;
  if (options) token = tokenFor(role, options);
  else {
    token = standard.get(role) ?? tokenFor(role);
    standard.set(role, token);
  }
  return { authorization: `Bearer ${await token}` };
}

/** A key pair that is not the identity provider's (generated once: RSA generation is slow). */
let otherKey: ReturnType<typeof generateKeyPair> | undefined;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Tokens that must all be refused, each for one reason, all for an admin (so a wrong 2xx
 * cannot be explained by the role).
 */
export const forgedTokens = {
  /** Right kid and claims, signed by some other key. */
  async badSignature(): Promise<string> {
    otherKey ??= generateKeyPair(LOCAL_ALG);
    const { privateKey } = await otherKey;
    const kid = (await localIdentity()).publicJwk.kid!;
    return new SignJWT(validClaims()).setProtectedHeader({ alg: LOCAL_ALG, kid }).sign(privateKey);
  },
  /** Expired an hour ago: far beyond the 30 s leeway. */
  async expired(): Promise<string> {
    return tokenFor('admin', { issuedAt: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 3600 });
  },
  /** An unsecured JWT (`alg: none`, empty signature) with otherwise valid claims. */
  async algNone(): Promise<string> {
    const claims = decodeJwt(await tokenFor('admin'));
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
  },
  /** Algorithm confusion: HS256 whose HMAC secret is the provider's public key (PEM). */
  async hs256WithPublicKey(): Promise<string> {
    const { publicJwk } = await localIdentity();
    const pem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    return new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid!, typ: 'JWT' }).sign(new TextEncoder().encode(String(pem)));
  },
  /** Issued for another app client. */
  async wrongAudience(): Promise<string> {
    return tokenFor('admin', { claims: { client_id: 'another-app-client' } });
  },
  /** Signed by the right key but naming another issuer. */
  async wrongIssuer(): Promise<string> {
    const { privateKey, publicJwk } = await localIdentity();
    return new SignJWT(validClaims()).setProtectedHeader({ alg: LOCAL_ALG, kid: publicJwk.kid! }).setIssuer('https://evil.example').sign(privateKey);
  },
};

function validClaims(): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: LOCAL_ISSUER,
    sub: 'forger',
    token_use: 'access',
    client_id: LOCAL_AUDIENCE,
    'cognito:groups': ['admin'],
    jti: randomUUID(),
    iat: now,
    exp: now + 3600,
  };
}
