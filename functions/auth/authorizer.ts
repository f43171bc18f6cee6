/** HTTP API Lambda authorizer: identifies the caller (JWT or API key); functions enforce roles. */
import { authenticatorFromEnv } from '../../shared/auth/auth-container.js';
import { createAuthorizerHandler } from '../../shared/auth/authorizer-handler.js';

export const handler = createAuthorizerHandler(() => authenticatorFromEnv());
