import { h } from './dom.js';

/**
 * The deployed console's sign-in: one button to the records platform's Cognito sign-in page
 * (password and MFA are entered there, never in this page).
 */
export function cognitoSignInPage(signIn: () => Promise<void>, message?: string): HTMLElement {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');

  async function start(event: Event) {
    event.preventDefault();
    submit.disabled = true;
    error.hidden = true;
    try {
      await signIn();
    } catch (cause) {
      error.textContent = `Sign-in could not start: ${(cause as Error).message}`;
      error.hidden = false;
      submit.disabled = false;
    }
  }

  return h(
    'form',
    { class: 'sign-in', onsubmit: (event: Event) => void start(event) },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'You sign in with your records platform account on its sign-in page, then come back here.'),
    message ? h('p', { class: 'notice', role: 'status' }, message) : null,
    error,
    h('div', { class: 'actions' }, submit),
  );
}
