import { parseJwks } from './jwks-document.js';
import type { JwksStore } from './jwks-store.js';

export interface JwksCopyOptions {
  /** The identity provider's JWKS: `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`. */
  url: string;
  store: JwksStore;
  /** @default 5 s */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export type JwksCopyResult = { outcome: 'written' | 'unchanged'; kids: string[] };

/**
 * Copies the identity provider's JWKS into the store, so that the authorizer verifies tokens
 * without the internet. The fetched document is validated (shared/auth/jwks-document.ts) and
 * only its public members are written; a failed fetch or an invalid document throws and
 * writes nothing, so the previous copy stays in place. An unchanged set is not rewritten
 * (each PutSecretValue is a new secret version).
 */
export async function copyJwks(options: JwksCopyOptions): Promise<JwksCopyResult> {
  const fetchJwks = options.fetch ?? globalThis.fetch;
  const response = await fetchJwks(options.url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5_000), headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`JWKS fetch answered ${response.status}`);
  const jwks = parseJwks(await response.text());
  const text = JSON.stringify(jwks);
  const kids = jwks.keys.map((key) => key.kid as string);
  if ((await options.store.read()) === text) return { outcome: 'unchanged', kids };
  await options.store.write(text);
  return { outcome: 'written', kids };
}
