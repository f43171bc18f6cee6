import * as z from 'zod/mini';

/** Correlation and causation ids: a request id, an event id or a caller-supplied trace id. */
const traceId = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/, 'Printable ASCII without spaces'));

/**
 * The fields every domain event carries around its `data`. The envelope is the EventBridge
 * `detail`; its `type` is also the entry's `detail-type`.
 */
export const envelopeFields = {
  id: z.uuid().check(z.describe('Unique per event; consumers deduplicate on it')),
  version: z.int().check(z.minimum(1), z.maximum(1000), z.describe('Schema version of `data`')),
  occurred_at: z.iso.datetime({ offset: false }).check(z.describe('When the state change committed (UTC)')),
  correlation_id: traceId.check(z.describe('Id of the request that started the flow; copied into every event it causes')),
  causation_id: z.nullable(traceId).check(z.describe('Id of the event (or request) that directly caused this one')),
};

/** The envelope of one event type: `type` fixed, `data` validated by the type's detail schema. */
export function envelopeOf<Type extends string, Data extends z.core.$ZodType>(type: Type, data: Data) {
  return z.object({ ...envelopeFields, type: z.literal(type), data });
}

/** Any envelope, `data` unchecked: for consumers that only route or record events. */
export const anyEnvelope = z.object({
  ...envelopeFields,
  type: z.string().check(z.regex(/^[a-z][a-z0-9_]*\.[a-z_]+$/, 'domain.event_name')),
  data: z.record(z.string(), z.unknown()),
});

export type AnyEnvelope = z.infer<typeof anyEnvelope>;
