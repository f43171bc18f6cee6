/** Where an event comes from: the request that caused it. */
export interface EventOrigin {
  correlationId: string;
  /** The request (or event) that directly caused it; null when it started the flow. */
  causationId: string | null;
}
