import { h } from './dom.js';
import { ROLE_SUMMARIES, ROLES, type Role } from './roles.js';
import type { Session } from './session.js';

/** The local gateway's LOCAL-ONLY token endpoint (infra/local/local-console.ts). */
const LOCAL_TOKEN_PATH = '/console/local-token';

interface LocalTokenResponse {
  access_token: string;
  expires_in: number;
  role: Role;
}

/**
 * The local sign-in: pick a role, get a token from the local identity provider. Clearly
 * marked as such: it exists only on `npm start`, never in a deployed stack.
 */
export function signInPage(onSignedIn: (session: Session) => void, message?: string): HTMLElement {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const choices = ROLES.map((role, index) =>
    h(
      'label',
      { class: 'role-choice' },
      h('input', { type: 'radio', name: 'role', value: role, checked: index === 1 }),
      h('span', { class: 'role-name' }, role),
      h('span', { class: 'role-summary' }, ROLE_SUMMARIES[role]),
    ),
  );
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  async function signIn(event: Event) {
    event.preventDefault();
    const role = (form.elements.namedItem('role') as RadioNodeList).value as Role;
    submit.disabled = true;
    error.hidden = true;
    try {
      const res = await fetch(LOCAL_TOKEN_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role }),
        credentials: 'omit',
      });
      if (!res.ok) throw new Error(`the local identity provider answered ${res.status}`);
      const token = (await res.json()) as LocalTokenResponse;
      onSignedIn({ token: token.access_token, role: token.role, expiresAt: Date.now() + token.expires_in * 1000 });
    } catch (cause) {
      error.textContent = `Sign-in failed: ${(cause as Error).message}. Is npm start running?`;
      error.hidden = false;
      submit.disabled = false;
    }
  }

  const form = h(
    'form',
    { class: 'sign-in', onsubmit: (event: Event) => void signIn(event) },
    h('h1', {}, 'Local sign-in'),
    h(
      'p',
      { class: 'local-warning' },
      h('strong', {}, 'For local development only. '),
      'Choose a role and you are signed in without a password, with a one-hour token from the local identity provider. A deployed console signs in through Cognito instead.',
    ),
    message ? h('p', { class: 'notice', role: 'status' }, message) : null,
    h('fieldset', {}, h('legend', {}, 'Sign in as'), choices),
    error,
    h('div', { class: 'actions' }, submit),
  );
  return form;
}
