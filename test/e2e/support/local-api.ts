import { JWKS_PATH, type LocalGateway, type LocalGatewayOptions, startLocalGateway } from '../../../infra/local/local-gateway.js';
import { localAuthEnv } from '../../../infra/local/local-identity.js';
import type { Role } from '../../../shared/auth/role.js';
import { functions } from '../../../shared/registry.js';
import { createLocalTables, type LocalTables } from '../../support/local-tables.js';
import { bearer, localIdentity } from './tokens.js';

/** A JSON value as a test reads it; tests assert its shape, so it is loosely typed on purpose. */
export type Json = any;

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Raw body text (checked for leaks before anything parses it). */
  text: string;
  /** Parsed body when the response is JSON, else undefined. */
  body: Json;
}

export interface RequestOptions {
  /** Serialised as the body with `content-type: application/json`. */
  json?: unknown;
  /** Raw body, sent as is (pair it with a content-type header). */
  body?: string;
  headers?: Record<string, string>;
  /**
   * Whose token to send: a role, or null for no credentials at all. Ignored when `headers`
   * carry Authorization or X-API-Key. @default the LocalApi's role
   */
  as?: Role | null;
}

export interface LocalApiOptions {
  /** Role of the token every request carries unless it says otherwise. @default none: anonymous */
  role?: Role;
}

export interface LocalApi {
  url: string;
  tables: LocalTables;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * This test file's own tables on the shared DynamoDB Local plus the local gateway over the
 * esbuild bundles (run `npm run build` after source changes), trusting the local identity
 * provider (revocations in its own revocations table).
 */
export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const tables = await createLocalTables();
  const gateway = await startAuthenticatedGateway();
  return {
    url: gateway.url,
    tables,
    request: async (method, path, request = {}) => {
      const role = 'as' in request ? request.as : options.role;
      const given = Object.keys(request.headers ?? {}).map((name) => name.toLowerCase());
      const sendsCredentials = given.includes('authorization') || given.includes('x-api-key');
      const auth = role && !sendsCredentials ? await bearer(role) : {};
      return send(gateway.url, method, path, { ...request, headers: { ...auth, ...request.headers } });
    },
    close: async () => {
      await gateway.close();
      await tables.drop();
    },
  };
}

/**
 * The local gateway over every registered function with its JWKS endpoint, and the
 * environment the authorizer bundle reads when it first runs (in this worker's process).
 * `extra.console` adds the web console (`localConsole()`), `extra.dashboard` the local dashboard.
 */
export async function startAuthenticatedGateway(
  extra: Pick<LocalGatewayOptions, 'console' | 'dashboard' | 'invoker' | 'onRequest'> = {},
): Promise<LocalGateway> {
  const gateway = await startLocalGateway({ functions, port: 0, jwks: (await localIdentity()).jwks, ...extra });
  Object.assign(process.env, localAuthEnv(`${gateway.url}${JWKS_PATH}`));
  // Every request of a test file comes from 127.0.0.1, and the auth tests fail on purpose
  // hundreds of times: failed-attempt budgets stay out of their way unless a file sets its own.
  process.env.AUTH_FAILURE_LIMIT_IP ??= '100000:100000';
  process.env.AUTH_FAILURE_LIMIT_API_KEY ??= '100000:100000';
  return gateway;
}

async function send(base: string, method: string, path: string, options: RequestOptions): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  const isJson = /json/i.test(res.headers.get('content-type') ?? '');
  return { status: res.status, headers: res.headers, text, body: isJson && text !== '' ? JSON.parse(text) : undefined };
}

/** Runs `work` over `inputs` with at most `limit` in flight, keeping input order in the result. */
export async function inBatches<T, R>(inputs: readonly T[], limit: number, work: (input: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, inputs.length) }, async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await work(inputs[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
