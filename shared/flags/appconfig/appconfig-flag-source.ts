import { AppConfigProvider } from '@aws-lambda-powertools/parameters/appconfig';
import type { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { logger } from '../../powertools/logger.js';
import type { FlagSnapshot, FlagSource } from '../flag-source.js';
import { parseFlagsDocument } from '../flags-document.js';

/** How long a container waits after a failed AppConfig read before trying again. */
const RETRY_AFTER_FAILURE_MS = 10_000;

export interface AppConfigFlagSourceOptions {
  application: string;
  environment: string;
  /** The feature-flag configuration profile (name or id). */
  profile: string;
  /** Seconds a retrieved configuration is reused before AppConfig is asked again. @default 60 */
  maxAgeSeconds?: number;
  client?: AppConfigDataClient;
  now?: () => number;
}

/**
 * Live flag rules from an AppConfig feature-flag profile through Powertools Parameters, cached
 * `maxAgeSeconds` per container: at most one GetLatestConfiguration per container per max age,
 * never one per request. An unreachable AppConfig or an invalid document keeps the last good
 * rules (declared defaults before the first good read) and says why.
 */
export function appConfigFlagSource(options: AppConfigFlagSourceOptions): FlagSource {
  const provider = new AppConfigProvider({
    application: options.application,
    environment: options.environment,
    ...(options.client ? { awsSdkV3Client: options.client } : {}),
  });
  const maxAge = options.maxAgeSeconds ?? 60;
  const now = options.now ?? Date.now;
  const source = `appconfig:${options.application}/${options.environment}/${options.profile}`;
  let snapshot: FlagSnapshot = { document: {}, source };
  let lastRaw: unknown;
  let failedAt = Number.NEGATIVE_INFINITY;

  return {
    async current() {
      // After a failed read, wait before asking again: an outage must not cost a call per request.
      if (now() - failedAt < RETRY_AFTER_FAILURE_MS) return snapshot;
      let raw: unknown;
      try {
        raw = await provider.get(options.profile, { maxAge, transform: 'json' });
      } catch (error) {
        failedAt = now();
        snapshot = { ...snapshot, error: `AppConfig unavailable: ${(error as Error).name}` };
        logger.warn('AppConfig flags unavailable; keeping the last good rules', { source, error: (error as Error).message });
        return snapshot;
      }
      if (raw === lastRaw) return snapshot; // cached by the provider: same object, already validated
      lastRaw = raw;
      const parsed = parseFlagsDocument(raw);
      if ('error' in parsed) {
        snapshot = { ...snapshot, error: parsed.error };
        logger.warn('AppConfig flags rejected; keeping the last good rules', { source, error: parsed.error });
      } else {
        snapshot = { document: parsed.document, source, loadedAt: new Date(now()).toISOString() };
      }
      return snapshot;
    },
  };
}
