import { describe, expect, it } from 'vitest';
import { base64Url, challengeOf, createVerifier } from './pkce.js';

// RFC 7636 appendix B: the octets of the verifier, the verifier and its S256 challenge.
const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636)', () => {
  it('encodes the appendix B octets as the appendix B verifier', () => {
    expect(base64Url(new Uint8Array(RFC_OCTETS))).toBe(RFC_VERIFIER);
  });

  it('derives the appendix B S256 challenge from its verifier', async () => {
    expect(await challengeOf(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('makes 43-character verifiers of the unreserved set, different every time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, createVerifier));
    expect(verifiers.size).toBe(50);
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9\-._~]{43}$/);
  });
});
