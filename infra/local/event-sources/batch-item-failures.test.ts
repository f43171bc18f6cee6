import { describe, expect, it } from 'vitest';
import { batchOutcome } from './batch-item-failures.js';

const ids = ['m1', 'm2', 'm3'];

describe('batchOutcome (how Lambda reads ReportBatchItemFailures answers)', () => {
  it.each([
    ['no response', undefined],
    ['null', null],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
    ['a non-object answer', 'done'],
  ])('treats %s as complete success', (_, response) => {
    expect(batchOutcome(response, ids)).toEqual({ kind: 'success' });
  });

  it('returns the listed identifiers as a partial failure', () => {
    expect(batchOutcome({ batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm1' }] }, ids)).toEqual({ kind: 'partial', failed: ['m3', 'm1'] });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ ItemIdentifier: 'm1' }] }],
    ['an identifier not in the batch', { batchItemFailures: [{ itemIdentifier: 'other' }] }],
    ['a list that is not a list', { batchItemFailures: 'm1' }],
  ])('fails the whole batch on %s', (_, response) => {
    expect(batchOutcome(response, ids).kind).toBe('failure');
  });

  it('fails the whole batch when the answer cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(batchOutcome(cyclic, ids)).toEqual({ kind: 'failure', reason: 'the response is not valid JSON' });
  });
});
