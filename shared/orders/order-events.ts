import { eventEnvelope } from '../events/event-envelope.js';

export type { EventOrigin } from '../events/event-origin.js';

/** The envelope of one orders event (validated: see {@link eventEnvelope}). */
export const orderEvent = eventEnvelope;
