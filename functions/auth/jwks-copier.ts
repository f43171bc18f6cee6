/** Scheduled (outside the VPC): copies Cognito's JWKS into the secret the authorizer reads (docs/security.md, "JWKS copy"). */
import { createJwksCopierHandler, jwksCopierDepsFromEnv } from '../../shared/auth/jwks-copier-handler.js';

export const handler = createJwksCopierHandler(() => jwksCopierDepsFromEnv());
