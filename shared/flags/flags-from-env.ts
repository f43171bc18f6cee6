import { appConfigFlagSource } from './appconfig/appconfig-flag-source.js';
import { fileFlagSource } from './file/file-flag-source.js';
import { defaultsOnly, type FlagSource } from './flag-source.js';

/**
 * The flag source of a container: `FLAGS_APPCONFIG_APPLICATION`/`_ENVIRONMENT`/`_PROFILE` →
 * AppConfig (cached `FLAGS_MAX_AGE_SECONDS`, default 60); `FLAGS_FILE` → that JSON file
 * (the local run); neither → declared defaults only.
 */
export function flagSourceFromEnv(env: NodeJS.ProcessEnv): FlagSource {
  const { FLAGS_APPCONFIG_APPLICATION: application, FLAGS_APPCONFIG_ENVIRONMENT: environment, FLAGS_APPCONFIG_PROFILE: profile } = env;
  if (application && environment && profile) {
    const maxAge = Number(env.FLAGS_MAX_AGE_SECONDS ?? 60);
    return appConfigFlagSource({ application, environment, profile, maxAgeSeconds: Number.isFinite(maxAge) && maxAge >= 0 ? maxAge : 60 });
  }
  if (env.FLAGS_FILE) return fileFlagSource(env.FLAGS_FILE);
  return defaultsOnly;
}
