import { adminPage } from './admin-page.js';
import { type ApiClient, createApiClient } from './api-client.js';
import { chartsPage } from './charts-page.js';
import { isCallback } from './cognito-auth.js';
import { cognitoSession } from './cognito-session.js';
import { cognitoSignInPage } from './cognito-sign-in-page.js';
import { useOpenApiBase } from './declared-sorts.js';
import { h } from './dom.js';
import { importPage } from './import-page.js';
import { ordersPage } from './orders-page.js';
import { type Role, roleAllows } from './roles.js';
import { loadRuntimeConfig, type RuntimeConfig } from './runtime-config.js';
import { session, type Session } from './session.js';
import { signInPage } from './sign-in-page.js';
import { studentsPage } from './students-page.js';

/** The console's pages; each shown only to the roles whose API permissions it needs. */
const PAGES = [
  { id: 'students', label: 'Students', needs: 'viewer', render: (role: Role) => studentsPage({ api, role, notify }) },
  { id: 'import', label: 'Import', needs: 'staff', render: () => importPage({ api, notify }) },
  { id: 'charts', label: 'Charts', needs: 'viewer', render: () => chartsPage({ api }) },
  { id: 'orders', label: 'Orders', needs: 'viewer', render: (role: Role) => ordersPage({ api, role, notify }) },
  { id: 'admin', label: 'Admin', needs: 'admin', render: () => adminPage({ api, notify }) },
] as const satisfies readonly { id: string; label: string; needs: Role; render(role: Role): HTMLElement }[];

/** How this deployment signs in: the local role picker, or Cognito's hosted UI. */
interface SignInMode {
  page(message?: string): HTMLElement;
  signOut(): void;
  /** The session is over (a 401, a refused refresh): stop what keeps it alive. */
  end(): void;
  /** Shown beside the role (the local sign-in is marked as such). */
  tag?: string;
}

const app = document.getElementById('app')!;
const who = document.getElementById('who')!;
const nav = h('nav', { class: 'app-nav', 'aria-label': 'Console' });
who.before(nav);
const status = h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
document.body.append(status);
let statusTimer: ReturnType<typeof setTimeout> | undefined;
let api: ApiClient;
let mode: SignInMode;

/** The status line at the bottom: successes and "waiting for the server" messages. */
function notify(message: string) {
  status.textContent = message;
  status.classList.add('visible');
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => status.classList.remove('visible'), 5000);
}

function showSignIn(message?: string) {
  mode.end();
  session.clear();
  for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
  who.replaceChildren();
  nav.replaceChildren();
  app.replaceChildren(mode.page(message));
  app.querySelector<HTMLElement>('input:checked, button[type=submit]')?.focus();
}

function signedIn(next: Session) {
  session.set(next);
  who.replaceChildren(
    h('span', {}, 'Signed in as '),
    h('strong', { class: 'role-badge' }, next.role),
    ...(mode.tag ? [h('span', { class: 'local-tag' }, mode.tag)] : []),
    h('button', { type: 'button', class: 'link', onclick: () => mode.signOut() }, 'Sign out'),
  );
  const allowed = PAGES.filter((page) => roleAllows(next.role, page.needs));
  const tabs = allowed.map((page) => h('button', { type: 'button', class: 'tab', 'data-page': page.id, onclick: () => open(page, true) }, page.label));
  nav.replaceChildren(...tabs);
  /** The page named by the address (`#admin`): opened when allowed, explained when not. */
  function fromAddress(): boolean {
    const id = location.hash.slice(1);
    const wanted = PAGES.find((page) => page.id === id);
    if (!wanted) return false;
    if (roleAllows(next.role, wanted.needs)) open(wanted);
    else refuse(wanted);
    return true;
  }
  function refuse(page: (typeof PAGES)[number]) {
    for (const tab of tabs) tab.removeAttribute('aria-current');
    app.replaceChildren(
      h(
        'section',
        { class: 'denied', 'aria-labelledby': 'denied-title' },
        h('h1', { id: 'denied-title' }, `${page.label}: not available`),
        h(
          'p',
          { class: 'form-error', role: 'alert' },
          `The ${page.label} page is for the ${page.needs} role. You are signed in as ${next.role}; ask an administrator if you need it.`,
        ),
        h('button', { type: 'button', onclick: () => open(allowed[0]!, true) }, `Go to ${allowed[0]!.label}`),
      ),
    );
    app.focus();
  }
  window.onhashchange = () => {
    if (session.get()) fromAddress();
  };
  /** Opens a page; a tab click also puts it in the address (the first page after sign-in leaves the address alone). */
  function open(page: (typeof allowed)[number], address = false) {
    if (address && location.hash !== `#${page.id}`) history.replaceState(null, '', `#${page.id}`);
    for (const dialog of document.querySelectorAll('dialog')) dialog.remove();
    for (const tab of tabs) {
      if (tab.dataset.page === page.id) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    app.replaceChildren(page.render(next.role));
    app.focus();
  }
  if (!fromAddress()) open(allowed[0]!);
}

function localMode(): SignInMode {
  return { page: (message) => signInPage(signedIn, message), signOut: () => showSignIn('You signed out.'), end: () => undefined, tag: 'local' };
}

/** Cognito: the callback is redeemed first (and its `?code&state` dropped from the address bar). */
async function cognitoMode(config: Extract<RuntimeConfig, { mode: 'cognito' }>): Promise<void> {
  const cognito = cognitoSession(
    config.cognito,
    { onEnded: (message) => showSignIn(message) },
    { storage: sessionStorage, navigate: (url) => location.assign(url) },
  );
  mode = { page: (message) => cognitoSignInPage(cognito.signIn, message), signOut: () => void cognito.signOut(), end: cognito.end };
  const here = new URL(location.href);
  if (!isCallback(here)) return showSignIn();
  history.replaceState(null, '', `${here.pathname}${here.hash}`);
  app.replaceChildren(h('p', { class: 'notice', role: 'status' }, 'Signing in…'));
  try {
    signedIn(await cognito.complete(here));
  } catch (cause) {
    showSignIn((cause as Error).message);
  }
}

async function start() {
  let config: RuntimeConfig;
  try {
    config = await loadRuntimeConfig();
  } catch (cause) {
    app.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, `The console cannot start: ${(cause as Error).message}.`));
    return;
  }
  const baseUrl = config.mode === 'cognito' ? config.apiBaseUrl : '';
  useOpenApiBase(baseUrl);
  api = createApiClient({
    baseUrl,
    onSignedOut: (message) => showSignIn(message),
    onWaiting: (seconds) => notify(`The server asked us to slow down; retrying in ${seconds} s…`),
  });
  if (config.mode === 'cognito') return cognitoMode(config);
  mode = localMode();
  showSignIn();
}

void start();
