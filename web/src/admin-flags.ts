import { type ApiClient, ApiError } from './api-client.js';
import { dataTable } from './data-table.js';
import { h } from './dom.js';
import { errorBox } from './error-box.js';
import { fieldErrors } from './problem.js';
import { describeRules, explainAnswer, type FlagValue, type LiveRules, shown } from './flag-rules.js';
import { ROLES } from './roles.js';

/** `GET /api/v1/admin/flags` (docs/feature-flags.md). */
interface FlagsList {
  source: string;
  loaded_at: string | null;
  error: string | null;
  flags: { name: string; description: string; type: 'boolean' | 'variant'; default: FlagValue; variants?: string[]; rules: LiveRules | null }[];
}
/** `GET /api/v1/flags/evaluate`. */
interface FlagsEvaluation {
  user_id: string;
  role: string | null;
  flags: Record<string, { value: FlagValue; reason: string }>;
}

/**
 * Feature flags (admin page): every declared flag with its live rules and where they came from
 * (`GET /api/v1/admin/flags`), and what each answers for a user id (and role) through
 * `GET /api/v1/flags/evaluate`.
 */
export function flagsSection(api: ApiClient): HTMLElement {
  const listError = errorBox();
  const evaluateError = errorBox();
  const list = h('div', { class: 'table-wrap', 'aria-live': 'polite' });
  const origin = h('p', { class: 'hint' });
  const result = h('div', { class: 'table-wrap', 'aria-live': 'polite' });
  const userId = h('input', { id: 'flag-user-id', type: 'text', autocomplete: 'off', maxlength: 128, 'aria-describedby': 'flag-user-id-error' });
  const userIdError = h('p', { id: 'flag-user-id-error', class: 'field-error' });
  const role = h(
    'select',
    { id: 'flag-role' },
    h('option', { value: '' }, 'Any role'),
    ROLES.map((r) => h('option', { value: r }, r)),
  );

  async function load() {
    listError.hide();
    try {
      const { body } = await api.request<FlagsList>('GET', '/api/v1/admin/flags');
      origin.replaceChildren(
        `Rules from ${body.source}`,
        body.loaded_at ? `, read ${new Date(body.loaded_at).toLocaleString()}` : '',
        '.',
        body.error ? h('span', { class: 'conflict' }, ` The latest read failed (${body.error}); the last good rules stay in use.`) : '',
      );
      const rows = body.flags.map((flag) =>
        h(
          'tr',
          { 'data-flag': flag.name },
          h('td', { class: 'mono' }, flag.name),
          h('td', {}, flag.description),
          h('td', {}, flag.type === 'variant' ? `variant (${flag.variants?.join(', ')})` : 'on / off'),
          h('td', {}, shown(flag.default)),
          h('td', {}, describeRules(flag.rules)),
        ),
      );
      list.replaceChildren(dataTable('Feature flags', ['Flag', 'What it does', 'Type', 'Default', 'Live rules'], new Set(), rows, 'No flags are declared.'));
    } catch (cause) {
      listError.show(cause);
    }
  }

  async function evaluate(event: Event) {
    event.preventDefault();
    evaluateError.hide();
    userIdError.textContent = '';
    userId.removeAttribute('aria-invalid');
    const query = new URLSearchParams({ user_id: userId.value.trim() });
    if (role.value) query.set('role', role.value);
    try {
      const { body } = await api.request<FlagsEvaluation>('GET', `/api/v1/flags/evaluate?${query}`);
      const rows = Object.entries(body.flags).map(([name, answer]) =>
        h(
          'tr',
          { 'data-flag': name },
          h('td', { class: 'mono' }, name),
          h('td', {}, h('strong', {}, shown(answer.value))),
          h('td', {}, explainAnswer(answer.value, answer.reason)),
        ),
      );
      result.replaceChildren(
        h('h3', {}, `For ${body.user_id}${body.role ? ` (${body.role})` : ''}`),
        dataTable(`Flags for ${body.user_id}`, ['Flag', 'Answer', 'Why'], new Set(), rows, 'No flags are declared.'),
      );
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 422) {
        const { byField, other } = fieldErrors(cause.problem, ['user_id', 'role'], 'query');
        const messages = [...(byField.get('user_id') ?? []), ...(byField.get('role') ?? [])];
        if (messages.length) {
          userIdError.textContent = messages.join(' ');
          userId.setAttribute('aria-invalid', 'true');
          userId.focus();
        }
        if (other.length) evaluateError.show(cause, other.join(' '));
      } else evaluateError.show(cause);
    }
  }

  void load();
  return h(
    'section',
    { class: 'card admin-flags', 'aria-labelledby': 'admin-flags-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { id: 'admin-flags-title' }, 'Feature flags'),
      h('button', { type: 'button', onclick: () => void load() }, 'Refresh flags'),
    ),
    listError.element,
    origin,
    list,
    h(
      'form',
      { class: 'toolbar', novalidate: true, onsubmit: (event: Event) => void evaluate(event) },
      h('div', { class: 'control' }, h('label', { for: 'flag-user-id' }, 'User ID to evaluate for'), userId, userIdError),
      h('div', { class: 'control' }, h('label', { for: 'flag-role' }, 'As role'), role),
      h('button', { type: 'submit' }, 'Evaluate flags'),
    ),
    evaluateError.element,
    result,
  );
}
