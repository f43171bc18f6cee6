import { Logger } from '@aws-lambda-powertools/logger';
import { redactForLogs } from './redact-for-logs.js';

/**
 * One logger per container; service name and level come from POWERTOOLS_* env vars. Every
 * entry passes through `redactForLogs`: no tokens, keys or secrets, e-mail addresses masked.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'records-platform',
  jsonReplacerFn: redactForLogs,
});
