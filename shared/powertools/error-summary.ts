/** What a warning about a dependency says about its error: no stack, no module paths. */
export interface ErrorSummary {
  name: string;
  message: string;
  /** Node's error code (`ECONNREFUSED`, `ETIMEDOUT`) when there is one. */
  code?: string;
}

/**
 * Name, message and code of an error, for log lines about an outage (Redis timeouts,
 * unreachable probes): the operator needs what failed, not a stack trace through
 * `node_modules` repeated on every breaker opening. Non-errors become their string.
 */
export function errorSummary(error: unknown): ErrorSummary {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  const code = (error as NodeJS.ErrnoException).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
