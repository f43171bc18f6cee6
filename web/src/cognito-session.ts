import { beginSignIn, completeSignIn, refreshTokens, revokeRefreshToken, SignInError, signOutUrl, type TokenSet } from './cognito-auth.js';
import type { CognitoSettings } from './runtime-config.js';
import { session, type Session } from './session.js';
import { roleOfToken } from './token-claims.js';
import { refreshSchedule } from './token-refresh.js';

export interface CognitoSessionHooks {
  /** The session ended without the user asking (refresh refused, tokens expired): sign in again. */
  onEnded(message: string): void;
}

export interface CognitoSessionDeps {
  storage: Storage;
  navigate(url: string): void;
  fetch?: typeof fetch;
}

/**
 * A Cognito session in this page's memory: the access token in `session` (what the API
 * client sends), the refresh token in this closure, renewed before expiry; a reload ends it
 * (the hosted UI's own cookie then signs the user in again without a password).
 */
export function cognitoSession(settings: CognitoSettings, hooks: CognitoSessionHooks, deps: CognitoSessionDeps) {
  const fetchImpl = deps.fetch ?? fetch.bind(globalThis);
  let refreshToken: string | undefined;
  const schedule = refreshSchedule({
    refresh: async () => adopt(await refreshTokens(settings, refreshToken!, fetchImpl)).expiresAt,
    onExpired: (reason) => {
      end();
      hooks.onEnded(reason);
    },
  });

  function adopt(tokens: TokenSet): Session {
    const role = roleOfToken(tokens.accessToken);
    if (!role) throw new SignInError('Your account has no role in the console yet: ask an administrator to add you to the viewer, staff or admin group.');
    const next: Session = { token: tokens.accessToken, role, expiresAt: tokens.expiresAt };
    session.set(next);
    refreshToken = tokens.refreshToken ?? refreshToken;
    return next;
  }

  function end(): void {
    schedule.cancel();
    refreshToken = undefined;
    session.clear();
  }

  return {
    /** To the hosted UI, with a fresh PKCE verifier and state. */
    async signIn(): Promise<void> {
      deps.navigate(await beginSignIn(settings, deps.storage));
    },
    /** The browser came back with `?code&state`: redeem it, hold the tokens, plan the refresh. */
    async complete(url: URL): Promise<Session> {
      const next = adopt(await completeSignIn(settings, url, deps.storage, fetchImpl));
      if (refreshToken) schedule.start(next.expiresAt);
      return next;
    },
    /** Forgets the tokens here, revokes the refresh token, and ends the hosted UI's session. */
    async signOut(): Promise<void> {
      const token = refreshToken;
      end();
      if (token) await revokeRefreshToken(settings, token, fetchImpl);
      deps.navigate(signOutUrl(settings));
    },
    /** The API refused the token (401): stop refreshing it. */
    end,
  };
}
