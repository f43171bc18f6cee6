import { type ApiClient, ApiError } from './api-client.js';
import { confirmDialog } from './confirm-dialog.js';
import { h } from './dom.js';
import { errorBox } from './error-box.js';
import { fieldErrors } from './problem.js';
import { session } from './session.js';
import { unverifiedClaims } from './token-claims.js';

const FIELDS = ['jti', 'exp'] as const;

/**
 * Token revocation (admin page): `POST /api/v1/admin/tokens/revoke {jti, exp}` after a
 * confirmation. Pasting the token fills both from its claims (read, not verified: the API only
 * needs the two values); the token itself is never sent anywhere.
 */
export function tokenRevokeSection(options: { api: ApiClient; notify(message: string): void }): HTMLElement {
  const error = errorBox();
  const pasted = h('textarea', { id: 'revoke-token', rows: 3, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'revoke-token-hint' });
  const inputs = {
    jti: h('input', { id: 'revoke-jti', type: 'text', autocomplete: 'off', maxlength: 256, class: 'mono', 'aria-describedby': 'revoke-jti-error' }),
    exp: h('input', { id: 'revoke-exp', type: 'number', min: 1, step: 1, inputmode: 'numeric', 'aria-describedby': 'revoke-exp-hint revoke-exp-error' }),
  };
  const errors = { jti: h('p', { id: 'revoke-jti-error', class: 'field-error' }), exp: h('p', { id: 'revoke-exp-error', class: 'field-error' }) };
  const EXP_HINT = 'The token’s exp claim (epoch seconds): the revocation lasts until then';
  const expHint = h('p', { id: 'revoke-exp-hint', class: 'hint' }, EXP_HINT);

  pasted.addEventListener('input', () => {
    const claims = unverifiedClaims(pasted.value.trim());
    if (typeof claims.jti === 'string') inputs.jti.value = claims.jti;
    if (typeof claims.exp === 'number') inputs.exp.value = String(claims.exp);
    expHint.textContent =
      typeof claims.exp === 'number'
        ? `Expires ${new Date(claims.exp * 1000).toLocaleString()}${typeof claims.sub === 'string' ? ` · issued to ${claims.sub}` : ''}`
        : EXP_HINT;
  });

  function clearErrors() {
    error.hide();
    for (const name of FIELDS) {
      errors[name].textContent = '';
      inputs[name].removeAttribute('aria-invalid');
    }
  }

  async function revoke(event: Event) {
    event.preventDefault();
    clearErrors();
    const jti = inputs.jti.value.trim();
    const exp = Number(inputs.exp.value);
    const own = jti !== '' && unverifiedClaims(session.get()?.token ?? '').jti === jti;
    const until = Number.isFinite(exp) && exp > 0 ? ` until ${new Date(exp * 1000).toLocaleString()}` : '';
    const confirmed = await confirmDialog({
      title: 'Revoke token?',
      message: `Revoke the token ${jti || '(no id)'}? Every call with it is refused${until}. ${own ? 'This is your own sign-in: you will be signed out. ' : ''}This cannot be undone.`,
      confirmLabel: 'Revoke token',
    });
    if (!confirmed) return;
    try {
      await options.api.request('POST', '/api/v1/admin/tokens/revoke', { json: { jti, exp: inputs.exp.value.trim() === '' ? null : exp } });
      options.notify(`Revoked token ${jti}: it is refused${until}.`);
      pasted.value = '';
      inputs.jti.value = '';
      inputs.exp.value = '';
      expHint.textContent = EXP_HINT;
    } catch (cause) {
      if (!(cause instanceof ApiError && cause.status === 422)) return error.show(cause);
      const { byField, other } = fieldErrors(cause.problem, FIELDS);
      for (const name of FIELDS) {
        const messages = byField.get(name);
        if (!messages) continue;
        errors[name].textContent = messages.join(' ');
        inputs[name].setAttribute('aria-invalid', 'true');
      }
      FIELDS.map((name) => inputs[name])
        .find((input) => input.hasAttribute('aria-invalid'))
        ?.focus();
      if (other.length) error.show(cause, other.join(' '));
    }
  }

  return h(
    'section',
    { class: 'card admin-revoke', 'aria-labelledby': 'admin-revoke-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'admin-revoke-title' }, 'Revoke a token')),
    h(
      'p',
      { class: 'hint' },
      'A revoked access token is refused by the API at once, until it would have expired anyway. API keys are revoked in their own list.',
    ),
    error.element,
    h(
      'form',
      { class: 'revoke-form', novalidate: true, onsubmit: (event: Event) => void revoke(event) },
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'revoke-token' }, 'Access token (optional: fills the two fields below)'),
        pasted,
        h('p', { id: 'revoke-token-hint', class: 'hint' }, 'Read in this page only; nothing but its id and expiry is sent'),
      ),
      h('div', { class: 'field' }, h('label', { for: 'revoke-jti' }, 'Token ID (jti)'), inputs.jti, errors.jti),
      h('div', { class: 'field' }, h('label', { for: 'revoke-exp' }, 'Expires (exp)'), inputs.exp, expHint, errors.exp),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Revoke token')),
    ),
  );
}
