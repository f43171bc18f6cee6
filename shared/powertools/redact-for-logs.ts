/** Keys whose values are credentials or personal data in any casing: never logged. */
const SECRET_KEY = /^(authorization|x-api-key|api[-_]?key|(access|id|refresh)?[-_]?token|secret|password|cookie|set-cookie)$/i;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const API_KEY = /\bak_[A-Za-z0-9]+\.[A-Za-z0-9_-]+/g;
const EMAIL = /\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\b/g;

/**
 * JSON replacer of the logger: credentials under well-known keys become `[REDACTED]`, and in
 * any string bearer tokens, JWTs and API keys are cut out and e-mail addresses masked
 * (`a***@example.edu`), wherever they appear (error messages included).
 */
export function redactForLogs(key: string, value: unknown): unknown {
  if (value != null && SECRET_KEY.test(key)) return '[REDACTED]';
  if (typeof value !== 'string') return value;
  return value.replace(BEARER, '$1[REDACTED]').replace(JWT, '[REDACTED_JWT]').replace(API_KEY, 'ak_[REDACTED]').replace(EMAIL, '$1***@$2');
}
