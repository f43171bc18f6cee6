import { functions } from '../../../shared/registry.js';
import { type LocalGateway, startLocalGateway } from '../../../infra/local/local-gateway.js';
import { createLocalTables, type LocalTables } from '../../support/local-tables.js';

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
}

export interface LocalApi {
  url: string;
  tables: LocalTables;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

/**
 * This test file's own tables on the shared DynamoDB Local plus the local gateway over the
 * esbuild bundles (run `npm run build` after source changes).
 */
export async function startLocalApi(): Promise<LocalApi> {
  const tables = await createLocalTables();
  const gateway: LocalGateway = await startLocalGateway({ functions, port: 0 });
  return {
    url: gateway.url,
    tables,
    request: (method, path, options = {}) => send(gateway.url, method, path, options),
    close: async () => {
      await gateway.close();
      await tables.drop();
    },
  };
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
