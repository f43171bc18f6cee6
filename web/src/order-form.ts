import { type ApiClient, ApiError } from './api-client.js';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { formatMoney } from './order.js';
import { idempotencyKeys, type OrderBody, orderFormErrors, TEST_CARDS } from './order-draft.js';

interface Product {
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  stock_available: number;
}

interface Line {
  sku: HTMLSelectElement;
  quantity: HTMLInputElement;
  skuError: HTMLElement;
  quantityError: HTMLElement;
  labels: { sku: HTMLLabelElement; quantity: HTMLLabelElement };
  remove: HTMLButtonElement;
  row: HTMLElement;
}

const keys = idempotencyKeys();

/**
 * The "New test order" dialog (staff and admin): a customer, products with quantities from
 * `GET /api/v1/products`, a test card; `POST /api/v1/orders` with an Idempotency-Key. A 422's
 * `errors[].loc` lands beside the customer, the line's product or quantity, or the card.
 */
export async function openOrderForm(options: { api: ApiClient; onCreated(orderId: string): void }): Promise<void> {
  const { api } = options;
  const { body: page } = await api.request<{ items: Product[] }>('GET', '/api/v1/products?page_size=100&sort=name');
  const products = page.items;
  let nextId = 0;
  const lines: Line[] = [];

  const general = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const customer = h('input', {
    id: 'order-customer',
    type: 'text',
    autocomplete: 'off',
    value: 'test-customer',
    'aria-describedby': 'order-customer-error order-customer-hint',
  });
  const customerError = h('p', { id: 'order-customer-error', class: 'field-error' });
  const card = h(
    'select',
    { id: 'order-card', 'aria-describedby': 'order-card-error' },
    TEST_CARDS.map((c) => h('option', { value: c.token }, c.label)),
  );
  const cardError = h('p', { id: 'order-card-error', class: 'field-error' });
  const itemsError = h('p', { id: 'order-items-error', class: 'field-error' });
  const list = h('div', { class: 'order-lines' });
  const addButton = h('button', { type: 'button', onclick: () => addLine().sku.focus() }, 'Add a product');
  const submitButton = h('button', { type: 'submit', class: 'primary', disabled: products.length === 0 }, 'Place test order');

  function addLine(): Line {
    const id = `order-line-${++nextId}`;
    const sku = h(
      'select',
      { id: `${id}-sku`, 'aria-describedby': `${id}-sku-error` },
      products.map((p) =>
        h('option', { value: p.sku }, `${p.name} (${p.sku}) · ${formatMoney({ amount: p.price_minor, currency: p.currency })} · ${p.stock_available} in stock`),
      ),
    );
    const quantity = h('input', {
      id: `${id}-quantity`,
      type: 'number',
      min: 1,
      step: 1,
      value: 1,
      inputmode: 'numeric',
      'aria-describedby': `${id}-quantity-error`,
    });
    const skuError = h('p', { id: `${id}-sku-error`, class: 'field-error' });
    const quantityError = h('p', { id: `${id}-quantity-error`, class: 'field-error' });
    const skuLabel = h('label', { for: `${id}-sku` });
    const quantityLabel = h('label', { for: `${id}-quantity` });
    const remove = h('button', { type: 'button', onclick: () => removeLine(line) });
    const row = h(
      'div',
      { class: 'order-line' },
      h('div', { class: 'field' }, skuLabel, sku, skuError),
      h('div', { class: 'field field-score' }, quantityLabel, quantity, quantityError),
      remove,
    );
    const line: Line = { sku, quantity, skuError, quantityError, labels: { sku: skuLabel, quantity: quantityLabel }, remove, row };
    // Preselect a product not yet on the order: the API refuses the same SKU on two lines.
    const unused = products.find((p) => !lines.some((l) => l.sku.value === p.sku));
    if (unused) sku.value = unused.sku;
    lines.push(line);
    list.append(row);
    renumber();
    return line;
  }

  function removeLine(line: Line) {
    lines.splice(lines.indexOf(line), 1);
    line.row.remove();
    renumber();
    (lines[0]?.sku ?? addButton).focus();
  }

  /** Labels say which line they belong to ("Quantity, line 2"); the only line cannot be removed. */
  function renumber() {
    lines.forEach((line, i) => {
      line.labels.sku.textContent = `Product, line ${i + 1}`;
      line.labels.quantity.textContent = `Quantity, line ${i + 1}`;
      line.remove.textContent = 'Remove';
      line.remove.setAttribute('aria-label', `Remove line ${i + 1}`);
      line.remove.hidden = lines.length === 1;
    });
    addButton.disabled = lines.length >= products.length;
  }

  function clearErrors() {
    general.hidden = true;
    for (const element of [customerError, cardError, itemsError, ...lines.flatMap((l) => [l.skuError, l.quantityError])]) element.textContent = '';
    for (const input of [customer, card, ...lines.flatMap((l) => [l.sku, l.quantity])]) input.removeAttribute('aria-invalid');
  }

  function mark(input: HTMLElement, where: HTMLElement, messages: string[]): boolean {
    if (messages.length === 0) return false;
    where.textContent = messages.join(' ');
    input.setAttribute('aria-invalid', 'true');
    return true;
  }

  function explain(problem: ApiError['problem']) {
    const errors = orderFormErrors(problem);
    const invalid: HTMLElement[] = [];
    if (mark(customer, customerError, errors.customer)) invalid.push(customer);
    lines.forEach((line, i) => {
      const found = errors.lines.get(i);
      if (found && mark(line.sku, line.skuError, found.sku)) invalid.push(line.sku);
      if (found && mark(line.quantity, line.quantityError, found.quantity)) invalid.push(line.quantity);
    });
    if (mark(card, cardError, errors.card)) invalid.push(card);
    itemsError.textContent = errors.items.join(' ');
    if (errors.other.length > 0) {
      general.textContent = errors.other.join(' ');
      general.hidden = false;
    }
    (invalid[0] ?? (errors.items.length ? addButton : general)).focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    clearErrors();
    const body: OrderBody = {
      customer_id: customer.value.trim(),
      items: lines.map((line) => ({ sku: line.sku.value, quantity: Number(line.quantity.value) })),
      payment: { method: 'card', token: card.value },
    };
    submitButton.disabled = true;
    try {
      const { body: created } = await api.request<{ order_id: string }>('POST', '/api/v1/orders', {
        json: body,
        headers: { 'idempotency-key': keys.keyFor(body) },
      });
      keys.reset();
      dialog.close();
      options.onCreated(created.order_id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) explain(error.problem);
      else if (error instanceof ApiError && error.status === 401) dialog.close();
      else {
        general.textContent = describeError(error, 'A product on this order no longer exists.');
        general.hidden = false;
      }
    } finally {
      submitButton.disabled = false;
    }
  }

  const form = h(
    'form',
    { novalidate: true, class: 'order-form', onsubmit: (event: Event) => void submit(event) },
    h('h2', { id: 'order-form-title' }, 'New test order'),
    h(
      'p',
      { class: 'hint' },
      'The order goes through the real saga: stock is reserved, the test card is charged by the fake payment gateway, and the customer is notified.',
    ),
    general,
    products.length === 0 ? h('p', { class: 'notice' }, 'There are no products yet: an order needs at least one.') : null,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'order-customer' }, 'Customer ID'),
      customer,
      h('p', { id: 'order-customer-hint', class: 'hint' }, 'Who the order is for (and who is notified)'),
      customerError,
    ),
    h('fieldset', { class: 'order-items', 'aria-describedby': 'order-items-error' }, h('legend', {}, 'Products'), list, itemsError, addButton),
    h('div', { class: 'field' }, h('label', { for: 'order-card' }, 'Payment'), card, cardError),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'), submitButton),
  );
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'order-form-title' }, form);
  dialog.addEventListener('close', () => dialog.remove());
  if (products.length > 0) addLine();
  document.body.append(dialog);
  dialog.showModal();
  (lines[0]?.quantity ?? customer).focus();
}
