/**
 * Proof Key for Code Exchange (RFC 7636, S256) with WebCrypto: the console is a public client
 * (no secret can live in a page), so the authorization code is bound to a one-time verifier
 * that only this tab knows.
 */

/** base64url without padding (RFC 7636 appendix A). */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `count` bytes from the platform's CSPRNG, base64url: 32 bytes give the 43 characters RFC 7636 recommends. */
export function randomToken(count = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(count)));
}

/** A fresh `code_verifier` (43 characters of the unreserved set). */
export function createVerifier(): string {
  return randomToken(32);
}

/** `code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))`. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}
