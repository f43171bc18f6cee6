import { type ApiClient, ApiError } from './api-client.js';
import { confirmDialog } from './confirm-dialog.js';
import { declaredQueryEnum } from './declared-sorts.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { describeDetail, formatMoney, type Order, settled, TERMINAL_STATUSES } from './order.js';
import { openOrderForm } from './order-form.js';
import { type Role, roleAllows } from './roles.js';

const BASE = '/api/v1/orders';
const PAGE_SIZE = 20;
/** Statuses from which the API still accepts a cancel (docs/orders.md). */
const CANCELLABLE = new Set(['pending', 'inventory_reserved']);
const WATCH_MS = 2000;
const MAX_LATE_READS = 15;

const label = (status: string) => status.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/**
 * Orders, newest first, filtered by status (the statuses the API declares), one page at a
 * time; an order's lines and timeline; cancel for staff and admins while the API allows it
 * (a 409 says why it no longer can); a test order made here is followed until it ends.
 * Viewers see only their own orders (the API decides) and cannot create one.
 */
export function ordersPage(options: { api: ApiClient; role: Role; notify(message: string): void }): HTMLElement {
  const { api } = options;
  const canCancel = roleAllows(options.role, 'staff');
  const canCreate = roleAllows(options.role, 'staff');
  const cursors: (string | null)[] = [null];
  let nextCursor: string | null = null;
  let latest = 0;

  const status = h('select', { id: 'order-status' }, h('option', { value: '' }, 'Any status'));
  void declaredQueryEnum(BASE, 'status').then((values) => status.append(...values.map((value) => h('option', { value }, label(value)))));
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const body = h('tbody');
  const detail = h('section', { class: 'order-detail card', 'aria-labelledby': 'order-title', hidden: true });
  const summary = h('span', { class: 'page-summary', 'aria-live': 'polite' });
  /** Where the order made on this page stands, read out as it changes. */
  const following = h('p', { class: 'following notice', role: 'status', hidden: true });
  let followed: string | undefined;
  const previous = h('button', { type: 'button', disabled: true, onclick: () => void go(-1) }, '← Newer');
  const next = h('button', { type: 'button', disabled: true, onclick: () => void go(1) }, 'Older →');
  status.addEventListener('change', () => {
    cursors.length = 1;
    void load();
  });

  function showError(cause: unknown) {
    if (cause instanceof ApiError && cause.status === 401) return;
    error.textContent = describeError(cause, 'This order does not exist, or it is not yours to see.');
    error.hidden = false;
  }

  async function go(step: 1 | -1) {
    if (step === 1 && nextCursor) cursors.push(nextCursor);
    if (step === -1 && cursors.length > 1) cursors.pop();
    await load();
  }

  async function load() {
    const request = ++latest;
    error.hidden = true;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (status.value) query.set('status', status.value);
    const cursor = cursors[cursors.length - 1];
    if (cursor) query.set('cursor', cursor);
    try {
      const { body: page } = await api.request<{ items: Order[]; next_cursor: string | null }>('GET', `${BASE}?${query}`);
      if (request !== latest) return;
      nextCursor = page.next_cursor;
      body.replaceChildren(...(page.items.length ? page.items.map(row) : [h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No orders match.'))]));
      summary.textContent = `Page ${cursors.length} · ${page.items.length} order${page.items.length === 1 ? '' : 's'}`;
      previous.disabled = cursors.length === 1;
      next.disabled = !nextCursor;
    } catch (cause) {
      if (request === latest) showError(cause);
    }
  }

  function row(order: Order): HTMLTableRowElement {
    return h(
      'tr',
      { 'data-id': order.order_id },
      h('td', { class: 'mono' }, order.order_id),
      h('td', {}, order.customer_id),
      h('td', {}, h('span', { class: `job-status status-${order.status}` }, label(order.status))),
      h('td', { class: 'num' }, formatMoney(order.total)),
      h('td', {}, new Date(order.created_at).toLocaleString()),
      h(
        'td',
        { class: 'row-actions' },
        h('button', { type: 'button', 'aria-label': `Open ${order.order_id}`, onclick: () => void open(order.order_id) }, 'Open'),
      ),
    );
  }

  let watching: string | undefined;
  let watchTimer: ReturnType<typeof setTimeout> | undefined;

  async function open(id: string) {
    try {
      const { body: order } = await api.request<Order>('GET', `${BASE}/${encodeURIComponent(id)}`);
      renderDetail(order);
    } catch (cause) {
      showError(cause);
    }
  }

  /** Reads of a finished order while its last timeline entry is still on its way (the projector is asynchronous). */
  let lateReads = 0;

  /**
   * Until the open order has settled (a final status and its event in the timeline), re-read it
   * every 2 s so saga steps appear as they happen; a finished order is read at most 15 more times.
   */
  function watch(order: Order) {
    clearTimeout(watchTimer);
    if (watching !== order.order_id) lateReads = 0;
    watching = order.order_id;
    if (settled(order)) return;
    if (TERMINAL_STATUSES.has(order.status) && lateReads++ >= MAX_LATE_READS) return;
    watchTimer = setTimeout(async () => {
      if (!page.isConnected || watching !== order.order_id) return;
      if (document.querySelector('dialog')) return watch(order); // not under a confirmation
      try {
        const { body: fresh } = await api.request<Order>('GET', `${BASE}/${encodeURIComponent(order.order_id)}`);
        if (watching !== order.order_id) return;
        // The projector adds timeline entries without a new version: both count as a change.
        if (fresh.version !== order.version || fresh.timeline.length !== order.timeline.length) {
          renderDetail(fresh);
          if (fresh.status !== order.status) void load();
        } else watch(fresh);
      } catch (cause) {
        // A passing failure: look again (a 401 has already gone to the sign-in, and the page with it).
        if (!(cause instanceof ApiError && cause.status < 500 && cause.status !== 429)) watch(order);
      }
    }, WATCH_MS);
  }

  async function createOrder() {
    try {
      await openOrderForm({
        api,
        onCreated: (id) => {
          followed = id;
          options.notify(`Created order ${id}.`);
          status.value = '';
          cursors.length = 1;
          void load();
          void open(id);
        },
      });
    } catch (cause) {
      showError(cause);
    }
  }

  function showProgress(order: Order) {
    if (followed !== order.order_id) return;
    following.textContent = TERMINAL_STATUSES.has(order.status)
      ? `Order ${order.order_id} has finished: ${label(order.status)}.`
      : `Following order ${order.order_id} through the saga: ${label(order.status)}…`;
    following.hidden = false;
  }

  function renderDetail(order: Order, notice?: Node) {
    const cancel =
      canCancel && CANCELLABLE.has(order.status)
        ? h('button', { type: 'button', class: 'danger', onclick: () => void cancelOrder(order) }, 'Cancel order')
        : null;
    detail.replaceChildren(
      h(
        'div',
        { class: 'page-head' },
        h('h2', { id: 'order-title' }, `Order ${order.order_id}`),
        h('span', {}, h('button', { type: 'button', onclick: () => void open(order.order_id) }, 'Refresh'), ' ', cancel),
      ),
      notice ?? '',
      h(
        'p',
        {},
        'Customer ',
        h('strong', {}, order.customer_id),
        ' · status ',
        h('span', { class: `job-status status-${order.status}` }, label(order.status)),
        ' · total ',
        h('strong', {}, formatMoney(order.total)),
      ),
      h(
        'table',
        { class: 'students-table plain-table' },
        h('caption', { class: 'visually-hidden' }, 'Order lines'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['SKU', 'Quantity', 'Unit price', 'Line total'].map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, c)),
          ),
        ),
        h(
          'tbody',
          {},
          order.items.map((item) =>
            h(
              'tr',
              {},
              h('td', { class: 'mono' }, item.sku),
              h('td', { class: 'num' }, item.quantity),
              h('td', { class: 'num' }, formatMoney(item.unit_price)),
              h('td', { class: 'num' }, formatMoney(item.line_total)),
            ),
          ),
        ),
      ),
      h('h3', {}, 'Timeline'),
      h(
        'ol',
        { class: 'timeline' },
        order.timeline.map((entry) =>
          h(
            'li',
            {},
            h('time', { datetime: entry.at }, new Date(entry.at).toLocaleString()),
            ' ',
            h('strong', {}, entry.type),
            Object.keys(entry.detail).length ? h('span', { class: 'hint' }, ` ${describeDetail(entry.detail)}`) : null,
          ),
        ),
      ),
    );
    detail.hidden = false;
    showProgress(order);
    watch(order);
  }

  async function cancelOrder(order: Order) {
    const confirmed = await confirmDialog({
      title: 'Cancel order?',
      message: `Cancel order ${order.order_id} for ${order.customer_id}? Reserved stock is released.`,
      confirmLabel: 'Cancel order',
    });
    if (!confirmed) return;
    try {
      const { body: cancelled } = await api.request<Order>('POST', `${BASE}/${encodeURIComponent(order.order_id)}/cancel`);
      options.notify(`Cancelled ${cancelled.order_id}.`);
      renderDetail(cancelled);
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 409) {
        // The saga moved on (paid, completed…) since the order was shown: explain, show it now.
        const fresh = await api.request<Order>('GET', `${BASE}/${encodeURIComponent(order.order_id)}`).catch(() => undefined);
        const notice = h(
          'p',
          { class: 'conflict', role: 'alert' },
          `This order can no longer be cancelled: it is ${label(fresh?.body.status ?? 'past that point')} now. Only pending orders and orders whose stock is reserved can be cancelled.`,
        );
        renderDetail(fresh?.body ?? order, notice);
      } else showError(cause);
    }
    void load();
  }

  const page = h(
    'section',
    { class: 'orders', 'aria-labelledby': 'orders-title' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'orders-title' }, 'Orders'),
      canCreate ? h('button', { type: 'button', class: 'primary', onclick: () => void createOrder() }, 'New test order') : null,
    ),
    following,
    h('div', { class: 'toolbar', role: 'search' }, h('div', { class: 'control' }, h('label', { for: 'order-status' }, 'Status'), status)),
    error,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'students-table plain-table' },
        h('caption', { class: 'visually-hidden' }, 'Orders'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Order', 'Customer', 'Status', 'Total', 'Created'].map((c) => h('th', { scope: 'col', class: c === 'Total' ? 'num' : null }, c)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        body,
      ),
    ),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, summary, next),
    detail,
  );
  void load();
  return page;
}
