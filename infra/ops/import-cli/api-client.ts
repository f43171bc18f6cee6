/** The parts of `GET /api/v1/imports/{id}` the CLI reads. */
export interface ImportJobView {
  import_id: string;
  status: 'queued' | 'running' | 'completed' | 'completed_with_errors' | 'failed' | string;
  rows_processed?: number;
  bytes_processed?: number;
  bytes_total?: number;
  created?: number;
  updated?: number;
  skipped?: number;
  errors?: number;
  warnings?: number;
  error_details?: Array<{ row?: number; id?: string; field?: string; message?: string }>;
  message?: string;
  report_url?: string;
  rows_per_second?: number;
}

export interface UploadTicket {
  import_id: string;
  upload_url: string;
  method: string;
  expires_at: string;
}

/** An HTTP answer the CLI cannot go on with; `message` is meant for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Worth retrying (network error, 5xx, 429). */
    readonly transient = false,
  ) {
    super(message);
  }
}

export interface ApiClient {
  createUpload(body: { entity: string; filename: string; mode: string }): Promise<UploadTicket>;
  getJob(id: string): Promise<ImportJobView>;
}

/** Thin client of the imports API; the token goes in the Authorization header and nowhere else. */
export function apiClient(base: string, token: string | undefined): ApiClient {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`cannot reach the API at ${base}: ${describeFetchError(error)}`, undefined, true);
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    throw problemError(res.status, text, `${method} ${path}`);
  }
  return {
    createUpload: (body) => call<UploadTicket>('POST', '/api/v1/imports', body),
    getJob: (id) => call<ImportJobView>('GET', `/api/v1/imports/${encodeURIComponent(id)}`),
  };
}

function problemError(status: number, text: string, what: string): CliError {
  let detail = '';
  try {
    const problem = JSON.parse(text) as { detail?: string; title?: string; errors?: Array<{ path?: string; message?: string }> };
    detail = problem.detail ?? problem.title ?? '';
    if (problem.errors?.length) detail += ` (${problem.errors.map((e) => `${e.path ?? ''}: ${e.message ?? ''}`).join('; ')})`;
  } catch {
    detail = text.slice(0, 200);
  }
  const hint =
    status === 401
      ? 'not authenticated: pass --token or set TOKEN (locally: npm run token -- --role staff)'
      : status === 403
        ? 'forbidden: importing needs a staff or admin token'
        : undefined;
  const message = [`${what} → ${status}`, hint, detail].filter(Boolean).join(': ');
  return new CliError(message, status, status >= 500 || status === 429);
}

export function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
