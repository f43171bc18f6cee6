import type { FlagsDocument } from './flag-rules.js';

/** The live flag rules a source holds, where they came from and whether the latest read failed. */
export interface FlagSnapshot {
  readonly document: FlagsDocument;
  /** `appconfig:<app>/<env>/<profile>`, `file:<path>` or `defaults`. */
  readonly source: string;
  /** When the document in use was read (ISO 8601); undefined when nothing was ever read. */
  readonly loadedAt?: string;
  /** Why the latest read was not used (the last good document stays in use). */
  readonly error?: string;
}

/** Where live flag rules come from: AppConfig in AWS, the local flags file in `npm start`. */
export interface FlagSource {
  /** The current rules; cached by the source, so calling it per request is cheap. Never throws. */
  current(): Promise<FlagSnapshot>;
}

/** No live rules: every flag has its declared default. */
export const defaultsOnly: FlagSource = { current: async () => ({ document: {}, source: 'defaults' }) };
