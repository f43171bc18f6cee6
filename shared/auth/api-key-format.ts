import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `ak_<16 lower-case alphanumerics>`: the public, loggable part of a key. */
const KEY_ID = /^ak_[a-z0-9]{16}$/;
/** `<key id>.<43 base64url characters = 256 random bits>`. */
const API_KEY = /^(ak_[a-z0-9]{16})\.([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ParsedApiKey {
  keyId: string;
  secret: string;
}

/** A new key: id, secret, and the `X-API-Key` value shown to its creator once. */
export function generateApiKey(): ParsedApiKey & { value: string } {
  const keyId = `ak_${[...randomBytes(16)].map((byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, value: `${keyId}.${secret}` };
}

/** Splits an `X-API-Key` value; undefined when it is not in the expected format. */
export function parseApiKey(value: string): ParsedApiKey | undefined {
  const match = API_KEY.exec(value.trim());
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * HMAC-SHA256 of the secret under the key's own salt. The secret is 256 random bits, so a
 * slow KDF would add latency to every call without adding resistance to guessing.
 */
export function hashSecret(secret: string, salt: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64url')).update(secret, 'utf8').digest('base64url');
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, salt: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret, salt), 'base64url');
  const stored = Buffer.from(storedHash, 'base64url');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
