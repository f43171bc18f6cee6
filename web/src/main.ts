import { createApiClient } from './api-client.js';
import { h } from './dom.js';
import { session, type Session } from './session.js';
import { signInPage } from './sign-in-page.js';
import { studentsPage } from './students-page.js';

const app = document.getElementById('app')!;
const who = document.getElementById('who')!;
const status = h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
document.body.append(status);
let statusTimer: ReturnType<typeof setTimeout> | undefined;

/** The status line at the bottom: successes and "waiting for the server" messages. */
function notify(message: string) {
  status.textContent = message;
  status.classList.add('visible');
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => status.classList.remove('visible'), 5000);
}

const api = createApiClient({
  onSignedOut: (message) => showSignIn(message),
  onWaiting: (seconds) => notify(`The server asked us to slow down; retrying in ${seconds} s…`),
});

function showSignIn(message?: string) {
  session.clear();
  for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
  who.replaceChildren();
  app.replaceChildren(signInPage(signedIn, message));
  app.querySelector<HTMLInputElement>('input:checked')?.focus();
}

function signedIn(next: Session) {
  session.set(next);
  who.replaceChildren(
    h('span', {}, 'Signed in as '),
    h('strong', { class: 'role-badge' }, next.role),
    h('span', { class: 'local-tag' }, 'local'),
    h('button', { type: 'button', class: 'link', onclick: () => showSignIn('You signed out.') }, 'Sign out'),
  );
  app.replaceChildren(studentsPage({ api, role: next.role, notify }));
  app.focus();
}

showSignIn();
