import { describe, expect, it } from 'vitest';
import { idempotencyKeys, type OrderBody, orderFormErrors } from './order-draft.js';

const body = (quantity: number): OrderBody => ({
  customer_id: 'cust-1',
  items: [{ sku: 'MUG-01', quantity }],
  payment: { method: 'card', token: 'tok_ok' },
});

describe('test-order idempotency keys', () => {
  it('sends the same key again for the same body (a retry makes one order), a new one for a changed body', () => {
    let n = 0;
    const keys = idempotencyKeys(() => `key-${++n}`);
    expect(keys.keyFor(body(1))).toBe('key-1');
    expect(keys.keyFor(body(1))).toBe('key-1');
    expect(keys.keyFor(body(2))).toBe('key-2');
    expect(keys.keyFor(body(1))).toBe('key-3'); // back to an earlier body: the API would refuse key-1 after key-2's body
  });

  it('starts a new order after one was made, even with the same body', () => {
    let n = 0;
    const keys = idempotencyKeys(() => `key-${++n}`);
    expect(keys.keyFor(body(1))).toBe('key-1');
    keys.reset();
    expect(keys.keyFor(body(1))).toBe('key-2');
  });

  it('makes random UUID keys by default', () => {
    const keys = idempotencyKeys();
    expect(keys.keyFor(body(1))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('orderFormErrors', () => {
  it('puts each 422 error beside the customer, the line’s product or quantity, or the card', () => {
    const errors = orderFormErrors({
      status: 422,
      errors: [
        { loc: ['body', 'customer_id'], msg: 'Too short', type: 'too_small' },
        { loc: ['body', 'items', 0, 'quantity'], msg: 'Too big', type: 'too_big' },
        { loc: ['body', 'items', 1, 'sku'], msg: 'No product has this SKU', type: 'unknown_sku' },
        { loc: ['body', 'items', 1, 'sku'], msg: 'Twice', type: 'duplicate_sku' },
        { loc: ['body', 'payment', 'token'], msg: 'Required', type: 'invalid_type' },
        { loc: ['body', 'items'], msg: 'At most 100 lines', type: 'too_big' },
        { loc: ['header', 'idempotency-key'], msg: 'Reused with another body', type: 'idempotency_key_reused' },
      ],
    });
    expect(errors.customer).toEqual(['Too short']);
    expect(Object.fromEntries(errors.lines)).toEqual({ 0: { sku: [], quantity: ['Too big'] }, 1: { sku: ['No product has this SKU', 'Twice'], quantity: [] } });
    expect(errors.card).toEqual(['Required']);
    expect(errors.items).toEqual(['At most 100 lines']);
    expect(errors.other).toEqual(['header.idempotency-key: Reused with another body']);
  });

  it('is empty without errors', () => {
    expect(orderFormErrors(undefined)).toEqual({ customer: [], lines: new Map(), card: [], items: [], other: [] });
  });
});
