import type { JSONWebKeySet, JWK } from 'jose';
import { ALLOWED_ALGORITHMS } from './jwt-verifier.js';

/** Members of a private or symmetric key: a JWKS that carries any of them is refused, never stored. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Thrown when a text is not a public signing key set the authorizer could verify with. */
export class InvalidJwks extends Error {
  override readonly name = 'InvalidJwks';
}

/**
 * Parses and checks a JWKS before it is copied or used: `{ keys: [...] }` with at least one
 * key, each an RSA (`n`, `e`) or EC (`crv`, `x`, `y`) public key with a `kid`, an allowed `alg`
 * when one is given, `use` absent or `sig`, and no private members. Returns only the public
 * members, so what is stored is exactly what verification needs.
 */
export function parseJwks(text: string): JSONWebKeySet {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new InvalidJwks('not JSON');
  }
  if (!isObject(document) || !Array.isArray(document.keys)) throw new InvalidJwks('no keys array');
  if (document.keys.length === 0) throw new InvalidJwks('no keys');
  if (document.keys.length > 20) throw new InvalidJwks('more than 20 keys');
  return { keys: document.keys.map((key, index) => publicKey(key, index)) };
}

function publicKey(key: unknown, index: number): JWK {
  const fail = (why: string): never => {
    throw new InvalidJwks(`keys[${index}]: ${why}`);
  };
  if (!isObject(key)) return fail('not an object');
  if (typeof key.kid !== 'string' || key.kid === '') fail('no kid');
  if (key.use !== undefined && key.use !== 'sig') fail(`use ${String(key.use)}`);
  if (key.alg !== undefined && !(ALLOWED_ALGORITHMS as readonly unknown[]).includes(key.alg)) fail(`alg ${String(key.alg)}`);
  if (PRIVATE_MEMBERS.some((member) => member in key)) fail('private key material');
  const common = { kid: key.kid as string, ...(key.alg ? { alg: key.alg as string } : {}), ...(key.use ? { use: 'sig' } : {}) };
  if (key.kty === 'RSA') {
    if (!isBase64Url(key.n) || !isBase64Url(key.e)) fail('RSA key without n or e');
    return { kty: 'RSA', ...common, n: key.n as string, e: key.e as string };
  }
  if (key.kty === 'EC') {
    if (key.crv !== 'P-256' || !isBase64Url(key.x) || !isBase64Url(key.y)) fail('EC key without P-256 crv, x or y');
    return { kty: 'EC', ...common, crv: 'P-256', x: key.x as string, y: key.y as string };
  }
  return fail(`kty ${String(key.kty)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBase64Url(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value);
}
