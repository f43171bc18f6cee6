import { createApiClient } from './api-client.js';
import { chartsPage } from './charts-page.js';
import { h } from './dom.js';
import { importPage } from './import-page.js';
import { ordersPage } from './orders-page.js';
import { type Role, roleAllows } from './roles.js';
import { session, type Session } from './session.js';
import { signInPage } from './sign-in-page.js';
import { studentsPage } from './students-page.js';

/** The console's pages; each shown only to the roles whose API permissions it needs. */
const PAGES = [
  { id: 'students', label: 'Students', needs: 'viewer', render: (role: Role) => studentsPage({ api, role, notify }) },
  { id: 'import', label: 'Import', needs: 'staff', render: () => importPage({ api, notify }) },
  { id: 'charts', label: 'Charts', needs: 'viewer', render: () => chartsPage({ api }) },
  { id: 'orders', label: 'Orders', needs: 'viewer', render: (role: Role) => ordersPage({ api, role, notify }) },
] as const satisfies readonly { id: string; label: string; needs: Role; render(role: Role): HTMLElement }[];

const app = document.getElementById('app')!;
const who = document.getElementById('who')!;
const nav = h('nav', { class: 'app-nav', 'aria-label': 'Console' });
who.before(nav);
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
  nav.replaceChildren();
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
  const allowed = PAGES.filter((page) => roleAllows(next.role, page.needs));
  const tabs = allowed.map((page) => h('button', { type: 'button', class: 'tab', 'data-page': page.id, onclick: () => open(page) }, page.label));
  nav.replaceChildren(...tabs);
  function open(page: (typeof allowed)[number]) {
    for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
    for (const tab of tabs) {
      if (tab.dataset.page === page.id) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    app.replaceChildren(page.render(next.role));
    app.focus();
  }
  open(allowed[0]!);
}

showSignIn();
