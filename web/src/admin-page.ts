import type { ApiClient } from './api-client.js';
import { confirmDialog } from './confirm-dialog.js';
import { dataTable } from './data-table.js';
import { h } from './dom.js';
import { flagsSection } from './admin-flags.js';
import { notificationsSection } from './admin-notifications.js';
import { tokenRevokeSection } from './admin-token-revoke.js';
import { errorBox } from './error-box.js';
import { ROLES } from './roles.js';

const ADMIN = '/api/v1/admin';

interface CacheLevelStats {
  hits: number;
  misses: number;
  size: number;
  evictions: number;
  hit_rate_percent: number;
}
type CacheStats = { enabled: true; l1: CacheLevelStats; l2: CacheLevelStats } | { enabled: false };
interface RouteMetrics {
  route: string;
  requests: number;
  errors: { '4xx': number; '5xx': number };
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
}
interface MetricsReport {
  enabled: boolean;
  since: string | null;
  routes: RouteMetrics[];
}
interface ApiKey {
  key_id: string;
  name: string;
  role: string;
  created_at: string;
  created_by: string;
}
type ApiKeyCreated = ApiKey & { api_key: string };

const ms = (value: number | null) => (value === null ? '> 30 s' : `≤ ${value} ms`);

/**
 * Administration (admin role only): the cache's statistics with clear and invalidate-by-pattern,
 * request metrics per route, API keys (create — the secret shown once —, list, revoke), token
 * revocation by jti, feature flags (live rules, evaluation for a user) and the notifications sent.
 */
export function adminPage(options: { api: ApiClient; notify(message: string): void }): HTMLElement {
  const { api, notify } = options;

  // --- Cache -------------------------------------------------------------------------------
  const cacheError = errorBox();
  const cacheStats = h('div', { class: 'admin-cache-stats', 'aria-live': 'polite' });
  const pattern = h('input', {
    id: 'cache-pattern',
    type: 'text',
    required: true,
    maxlength: 256,
    placeholder: 'students:*',
    'aria-describedby': 'cache-pattern-hint',
  });

  async function loadCache() {
    cacheError.hide();
    try {
      const { body } = await api.request<CacheStats>('GET', `${ADMIN}/cache/stats`);
      if (!body.enabled) {
        cacheStats.replaceChildren(h('p', { class: 'notice' }, 'No cache is configured on this deployment (no Redis).'));
        return;
      }
      const level = (name: string, s: CacheLevelStats) =>
        h(
          'tr',
          { 'data-level': name },
          h('th', { scope: 'row' }, name),
          h('td', { class: 'num' }, s.hits),
          h('td', { class: 'num' }, s.misses),
          h('td', { class: 'num' }, `${s.hit_rate_percent}%`),
          h('td', { class: 'num' }, s.size),
          h('td', { class: 'num' }, s.evictions),
        );
      const columns = ['Level', 'Hits', 'Misses', 'Hit rate', 'Entries', 'Evictions'];
      cacheStats.replaceChildren(
        dataTable('Cache statistics', columns, new Set(columns.slice(1)), [level('L1 (in memory)', body.l1), level('L2 (Redis)', body.l2)], ''),
      );
    } catch (cause) {
      cacheError.show(cause);
    }
  }

  async function clearCache() {
    const confirmed = await confirmDialog({
      title: 'Clear the whole cache?',
      message: 'Every cached entry is dropped. Nothing is lost, but the next reads are slower while the cache fills again.',
      confirmLabel: 'Clear cache',
    });
    if (!confirmed) return;
    try {
      const { body } = await api.request<{ entries_removed: number }>('POST', `${ADMIN}/cache/clear`);
      notify(`Cache cleared: ${body.entries_removed} entries removed.`);
      await loadCache();
    } catch (cause) {
      cacheError.show(cause);
    }
  }

  async function invalidate(event: Event) {
    event.preventDefault();
    cacheError.hide();
    try {
      const query = new URLSearchParams({ pattern: pattern.value.trim() });
      const { body } = await api.request<{ entries_removed: number }>('POST', `${ADMIN}/cache/invalidate?${query}`);
      notify(`Invalidated ${pattern.value.trim()}: ${body.entries_removed} entries removed.`);
      await loadCache();
    } catch (cause) {
      cacheError.show(cause);
    }
  }

  const cacheSection = h(
    'section',
    { class: 'card admin-cache', 'aria-labelledby': 'admin-cache-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { id: 'admin-cache-title' }, 'Cache'),
      h(
        'span',
        {},
        h('button', { type: 'button', onclick: () => void loadCache() }, 'Refresh cache statistics'),
        ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => void clearCache() }, 'Clear cache'),
      ),
    ),
    cacheError.element,
    cacheStats,
    h(
      'form',
      { class: 'toolbar', onsubmit: (event: Event) => void invalidate(event) },
      h(
        'div',
        { class: 'control' },
        h('label', { for: 'cache-pattern' }, 'Invalidate entries matching'),
        pattern,
        h('span', { id: 'cache-pattern-hint', class: 'hint' }, 'A pattern such as students:* (one entity) or students:*:item:* (its items)'),
      ),
      h('button', { type: 'submit' }, 'Invalidate'),
    ),
  );

  // --- Metrics -----------------------------------------------------------------------------
  const metricsError = errorBox();
  const metrics = h('div', { class: 'admin-metrics', 'aria-live': 'polite' });

  async function loadMetrics() {
    metricsError.hide();
    try {
      const { body } = await api.request<MetricsReport>('GET', `${ADMIN}/metrics`);
      if (!body.enabled) {
        metrics.replaceChildren(h('p', { class: 'notice' }, 'Requests are not being recorded on this deployment (no Redis).'));
        return;
      }
      const columns = ['Route', 'Requests', '4xx', '5xx', 'p50', 'p95', 'p99'];
      const rows = [...body.routes]
        .sort((a, b) => b.requests - a.requests)
        .map((r) =>
          h(
            'tr',
            { 'data-route': r.route },
            h('td', { class: 'mono' }, r.route),
            h('td', { class: 'num' }, r.requests),
            h('td', { class: 'num' }, r.errors['4xx']),
            h('td', { class: 'num' }, r.errors['5xx']),
            h('td', { class: 'num' }, ms(r.latency_ms.p50)),
            h('td', { class: 'num' }, ms(r.latency_ms.p95)),
            h('td', { class: 'num' }, ms(r.latency_ms.p99)),
          ),
        );
      metrics.replaceChildren(
        h('p', { class: 'hint' }, body.since ? `Recorded since ${new Date(body.since).toLocaleString()}.` : 'No request recorded yet.'),
        h('div', { class: 'table-wrap' }, dataTable('Requests per route', columns, new Set(columns.slice(1)), rows, 'No request recorded yet.')),
      );
    } catch (cause) {
      metricsError.show(cause);
    }
  }

  const metricsSection = h(
    'section',
    { class: 'card admin-metrics-card', 'aria-labelledby': 'admin-metrics-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { id: 'admin-metrics-title' }, 'Requests per route'),
      h('button', { type: 'button', onclick: () => void loadMetrics() }, 'Refresh request metrics'),
    ),
    metricsError.element,
    metrics,
  );

  // --- API keys ----------------------------------------------------------------------------
  const keysError = errorBox('This API key no longer exists. The list has been refreshed.');
  const keysBody = h('div', { class: 'table-wrap' });
  const created = h('div', { class: 'api-key-created', hidden: true });
  const keyName = h('input', { id: 'api-key-name', type: 'text', required: true, maxlength: 100, autocomplete: 'off' });
  const keyRole = h(
    'select',
    { id: 'api-key-role' },
    ROLES.map((role) => h('option', { value: role }, role)),
  );

  async function loadKeys() {
    keysError.hide();
    try {
      const { body } = await api.request<{ items: ApiKey[] }>('GET', `${ADMIN}/api-keys`);
      const rows = [...body.items]
        .sort((a, b) => b.created_at.localeCompare(a.created_at))
        .map((key) =>
          h(
            'tr',
            { 'data-id': key.key_id },
            h('td', {}, key.name),
            h('td', { class: 'mono' }, key.key_id),
            h('td', {}, key.role),
            h('td', {}, new Date(key.created_at).toLocaleString()),
            h('td', {}, key.created_by),
            h(
              'td',
              { class: 'row-actions' },
              h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${key.name} (${key.key_id})`, onclick: () => void revoke(key) }, 'Revoke'),
            ),
          ),
        );
      keysBody.replaceChildren(dataTable('API keys', ['Name', 'Key ID', 'Role', 'Created', 'Created by', ''], new Set(), rows, 'No API keys yet.'));
    } catch (cause) {
      keysError.show(cause);
    }
  }

  function showSecret(key: ApiKeyCreated) {
    const secret = h('input', { id: 'api-key-secret', type: 'text', readonly: true, value: key.api_key, class: 'mono', 'aria-describedby': 'api-key-once' });
    const copied = h('span', { class: 'hint', role: 'status' });
    const copy = h(
      'button',
      {
        type: 'button',
        onclick: async () => {
          secret.select();
          try {
            await navigator.clipboard.writeText(key.api_key);
            copied.textContent = 'Copied.';
          } catch {
            copied.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
          }
        },
      },
      'Copy key',
    );
    const done = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          created.hidden = true;
          created.replaceChildren();
          keyName.focus();
        },
      },
      'I have saved it',
    );
    created.replaceChildren(
      h('h3', {}, `New key for ${key.name} (${key.role})`),
      h(
        'p',
        { id: 'api-key-once', class: 'conflict' },
        h('strong', {}, 'Copy this key now: you won’t see it again. '),
        'Only a salted hash is stored; if it is lost, revoke it and create another.',
      ),
      h('div', { class: 'control' }, h('label', { for: 'api-key-secret' }, 'API key (send as X-API-Key)'), secret),
      h('div', { class: 'actions' }, copy, ' ', done, ' ', copied),
    );
    created.hidden = false;
    secret.focus();
    secret.select();
  }

  async function createKey(event: Event) {
    event.preventDefault();
    keysError.hide();
    try {
      const { body } = await api.request<ApiKeyCreated>('POST', `${ADMIN}/api-keys`, { json: { name: keyName.value.trim(), role: keyRole.value } });
      keyName.value = '';
      showSecret(body);
      notify(`Created API key ${body.key_id}.`);
      await loadKeys();
    } catch (cause) {
      keysError.show(cause);
    }
  }

  async function revoke(key: ApiKey) {
    const confirmed = await confirmDialog({
      title: 'Revoke API key?',
      message: `Revoke “${key.name}” (${key.key_id})? Calls with this key are refused from now on. This cannot be undone.`,
      confirmLabel: 'Revoke key',
    });
    if (!confirmed) return;
    try {
      await api.request('DELETE', `${ADMIN}/api-keys/${encodeURIComponent(key.key_id)}`);
      notify(`Revoked ${key.key_id}.`);
    } catch (cause) {
      keysError.show(cause);
    }
    await loadKeys();
    keysBody.querySelector<HTMLElement>('button')?.focus();
  }

  const keysSection = h(
    'section',
    { class: 'card admin-keys', 'aria-labelledby': 'admin-keys-title' },
    h('div', { class: 'page-head' }, h('h2', { id: 'admin-keys-title' }, 'API keys')),
    h(
      'form',
      { class: 'toolbar', onsubmit: (event: Event) => void createKey(event) },
      h('div', { class: 'control' }, h('label', { for: 'api-key-name' }, 'Name (what the key is for)'), keyName),
      h('div', { class: 'control' }, h('label', { for: 'api-key-role' }, 'Role'), keyRole),
      h('button', { type: 'submit' }, 'Create API key'),
    ),
    created,
    keysError.element,
    keysBody,
  );

  const page = h(
    'section',
    { class: 'admin', 'aria-labelledby': 'admin-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'admin-title' }, 'Admin')),
    cacheSection,
    metricsSection,
    keysSection,
    tokenRevokeSection({ api, notify }),
    flagsSection(api),
    notificationsSection(api),
  );
  void loadCache();
  void loadMetrics();
  void loadKeys();
  return page;
}
