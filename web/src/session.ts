import type { Role } from './roles.js';

export interface Session {
  token: string;
  role: Role;
  /** Epoch milliseconds. */
  expiresAt: number;
}

let current: Session | undefined;

/**
 * The signed-in user's token, held in this page's memory only: never in localStorage or a
 * cookie, so another tab or a script reading storage cannot take it. A reload signs out.
 */
export const session = {
  get: (): Session | undefined => (current && current.expiresAt > Date.now() ? current : undefined),
  set: (next: Session): void => {
    current = next;
  },
  clear: (): void => {
    current = undefined;
  },
};
