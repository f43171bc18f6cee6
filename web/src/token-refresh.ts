/** How long before expiry the console asks for new tokens. */
export const REFRESH_LEAD_MS = 60_000;
/** Pause before another try after a refresh failed for a reason that may pass (network, 5xx). */
export const REFRESH_RETRY_MS = 10_000;

/**
 * When to refresh tokens that expire at `expiresAt`: a minute before, or half-way through a
 * lifetime shorter than two minutes; at once if already late.
 */
export function refreshDelayMs(expiresAt: number, now: number, lead = REFRESH_LEAD_MS): number {
  const remaining = expiresAt - now;
  return Math.max(0, remaining - Math.min(lead, remaining / 2));
}

/** A refresh that cannot succeed by trying again (the refresh token is expired or revoked). */
export class RefreshRefused extends Error {
  override readonly name = 'RefreshRefused';
}

export interface RefreshSchedule {
  /** Tokens of this expiry are held now (after a sign-in or a refresh): plan the next refresh. */
  start(expiresAt: number): void;
  cancel(): void;
}

export interface RefreshScheduleOptions {
  /** Gets new tokens and returns their expiry (epoch ms); throws RefreshRefused when it never will. */
  refresh(): Promise<number>;
  /** The session cannot be kept: the user must sign in again. */
  onExpired(reason: string): void;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Keeps a session alive with its refresh token: one timer before each expiry; a failure that
 * may pass is retried every {@link REFRESH_RETRY_MS} while the tokens are still valid, a
 * refused refresh ends the session at once.
 */
export function refreshSchedule(options: RefreshScheduleOptions): RefreshSchedule {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  let timer: unknown;
  let generation = 0;

  function plan(expiresAt: number, ms: number) {
    const mine = ++generation;
    clearTimer(timer);
    timer = setTimer(() => void run(expiresAt, mine), ms);
  }

  async function run(expiresAt: number, mine: number) {
    try {
      const next = await options.refresh();
      if (mine === generation) plan(next, refreshDelayMs(next, now()));
    } catch (error) {
      if (mine !== generation) return;
      if (!(error instanceof RefreshRefused) && now() + REFRESH_RETRY_MS < expiresAt) plan(expiresAt, REFRESH_RETRY_MS);
      else options.onExpired(error instanceof RefreshRefused ? error.message : 'Your session could not be renewed.');
    }
  }

  return {
    start: (expiresAt) => plan(expiresAt, refreshDelayMs(expiresAt, now())),
    cancel: () => {
      generation++;
      clearTimer(timer);
      timer = undefined;
    },
  };
}
