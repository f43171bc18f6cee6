import { describe, expect, it, vi } from 'vitest';

// As in a Lambda container with active tracing: the tracer reads the environment when it loads, before the imports below.
await vi.hoisted(() => import('../../test/support/lambda-tracing-env.js'));

import { withTestSegment } from '../../test/support/xray-test-segment.js';
import { annotateTrace, orderIdOf } from './trace-annotations.js';
import { traced } from './traced.js';

describe('traced', () => {
  it('runs the work in an annotated subsegment; annotations added inside land on it', async () => {
    const [segment] = await withTestSegment(() =>
      traced('### import', { entity: 'imports', operation: 'object-created' }, async () => {
        annotateTrace({ import_id: 'imp_0123456789abcdefXYZ' });
        return 'done';
      }),
    );
    expect(segment).toMatchObject({
      name: '### import',
      annotations: { entity: 'imports', operation: 'object-created', import_id: 'imp_0123456789abcdefXYZ' },
      fault: false,
    });
  });

  it('records a throw as a fault with its exception, rethrows it, and restores the parent segment', async () => {
    let seen: unknown;
    const segments = await withTestSegment(async () => {
      await traced('### one', {}, async () => {
        throw new Error('chunk lost');
      }).catch((error: unknown) => (seen = error));
      await traced('### two', {}, async () => undefined);
    });
    expect((seen as Error).message).toBe('chunk lost');
    // `### two` is a sibling, not a child: the parent came back after the failure.
    expect(segments.map((s) => [s.name, s.fault, s.subsegments.length])).toEqual([
      ['### one', true, 0],
      ['### two', false, 0],
    ]);
    expect(segments[0]!.exceptions).toEqual([expect.objectContaining({ message: 'chunk lost' })]);
  });
});

describe('annotateTrace', () => {
  it('puts id-like values only: no e-mail, no free text, nothing unbounded', () => {
    const put = vi.fn();
    annotateTrace(
      {
        order_id: 'ord_01',
        import_id: 'an.nguyen@example.edu',
        entity: 'Nguyễn Linh',
        operation: 'x'.repeat(129),
        error_code: 'order.notFound',
        consumer: undefined,
      },
      { putAnnotation: put },
    );
    expect(put.mock.calls).toEqual([
      ['order_id', 'ord_01'],
      ['error_code', 'order.notFound'],
    ]);
  });

  it('reads the order id an envelope carries, nothing else', () => {
    expect(orderIdOf({ order_id: 'ord_01', customer_id: 'cust_42' })).toBe('ord_01');
    expect(orderIdOf({ order_id: 42 })).toBeUndefined();
    expect(orderIdOf(null)).toBeUndefined();
  });
});
