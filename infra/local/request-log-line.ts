/** At most this many parameter names per line: a hostile query must not flood the log. */
const MAX_NAMES = 10;
/** Longest parameter name logged as is. */
const MAX_NAME_LENGTH = 40;

export interface RequestLogFields {
  method: string;
  /** The route key that matched (`GET /api/v1/students/{student_id}`), `$default` or the authorizer's. */
  routeKey: string;
  rawQuery: string;
  status: number;
  target: string;
  ms?: number;
  /** Retries of dependency calls the function reported (`X-Retry-Count`). */
  retries?: number;
}

/**
 * The gateway's line for one request: route key and query parameter NAMES, never the path
 * or the values (`?access_token=<JWT>` must not reach a log). Like API Gateway's access
 * log, which records the route key and not the query string.
 */
export function requestLogLine({ method, routeKey, rawQuery, status, target, ms, retries }: RequestLogFields): string {
  const route = routeKey === '$default' ? `${method} $default` : routeKey;
  const names = queryParameterNames(rawQuery);
  const query = names.length > 0 ? ` ?${names.join('&')}` : '';
  const retried = retries ? ` (${retries} ${retries === 1 ? 'retry' : 'retries'})` : '';
  return `${route}${query} → ${status} ${target}${ms === undefined ? '' : ` ${ms.toFixed(1)} ms`}${retried}`;
}

/** Distinct parameter names of a raw query string, in order, shortened and capped. */
export function queryParameterNames(rawQuery: string): string[] {
  const names = new Set<string>();
  for (const name of new URLSearchParams(rawQuery).keys()) {
    names.add(name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name);
  }
  const list = [...names];
  return list.length > MAX_NAMES ? [...list.slice(0, MAX_NAMES), `…${list.length - MAX_NAMES} more`] : list;
}
