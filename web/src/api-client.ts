import type { Problem } from './problem.js';
import { session } from './session.js';

/** A non-2xx answer of the API, with its problem+json body when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  json?: unknown;
  headers?: Record<string, string>;
}

export interface ApiClientHooks {
  /** The token was refused (expired, revoked, missing): the user must sign in again. */
  onSignedOut(message: string): void;
  /** A 429: the client waits `seconds` (the server's Retry-After) and tries again. */
  onWaiting(seconds: number): void;
  sleep?: (ms: number) => Promise<void>;
  /** Prefix of every path. @default '' (the console's own origin) */
  baseUrl?: string;
}

/** How often one call is retried after 429s before the error reaches the page. */
const MAX_RATE_LIMIT_RETRIES = 3;
/** A Retry-After beyond this is not waited for in the page: the user is told instead. */
const MAX_WAIT_SECONDS = 60;

/**
 * The console's one door to the API: same-origin `fetch` with the in-memory bearer token.
 * 401 signs the user out, 429 waits for Retry-After and retries, every other non-2xx
 * becomes an ApiError the page explains.
 */
export function createApiClient(hooks: ApiClientHooks) {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** One call with the token; an ok answer is returned unread, anything else handled or thrown. */
  async function send(method: string, path: string, options: RequestOptions, accept: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const current = session.get();
      const headers: Record<string, string> = { accept, ...options.headers };
      if (current) headers.authorization = `Bearer ${current.token}`;
      if (options.json !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${hooks.baseUrl ?? ''}${path}`, {
        method,
        headers,
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
        credentials: 'omit',
      });
      if (res.ok) return res;
      const body = await readBody(res);
      const problem = isProblem(body) ? body : undefined;
      if (res.status === 401) {
        session.clear();
        hooks.onSignedOut(`${problem?.detail ?? 'Your session has ended.'} Please sign in again.`);
        throw new ApiError(401, problem);
      }
      const wait = retryAfterSeconds(res.headers.get('retry-after'));
      if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES && wait <= MAX_WAIT_SECONDS) {
        hooks.onWaiting(wait);
        await sleep(wait * 1000);
        continue;
      }
      throw new ApiError(res.status, problem);
    }
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const res = await send(method, path, options, 'application/json');
    return { status: res.status, headers: res.headers, body: (await readBody(res)) as T };
  }

  /**
   * A GET whose answer is not JSON (a chart image, an export file): the Response, body unread,
   * after redirects (a large export's 303 to S3 is followed; `redirected`/`url` tell).
   */
  function download(path: string, accept = '*/*'): Promise<Response> {
    return send('GET', path, {}, accept);
  }

  return { request, download };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Seconds from a Retry-After (delta-seconds or an HTTP date); 1 when absent or unreadable. */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (value === null || value.trim() === '') return 1;
  if (/^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(1, Math.ceil((date - now) / 1000));
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '' || !/json/i.test(res.headers.get('content-type') ?? '')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && ('title' in body || 'detail' in body || 'status' in body);
}
