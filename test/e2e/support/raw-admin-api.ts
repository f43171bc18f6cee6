import { afterAll, beforeAll } from 'vitest';
import { type LocalApi, startLocalApi } from './local-api.js';
import { type RawResponse, rawRequest } from './raw-http.js';
import { bearer } from './tokens.js';

let api: LocalApi | undefined;

/** The admin token every raw request carries unless it sets its own; set by `useRawAdminApi()`'s `beforeAll`. */
export let adminAuth: Record<string, string> = {};

/**
 * Registers the `beforeAll`/`afterAll` of a test file about HTTP, not roles: its own local API
 * (tables and gateway, `startLocalApi`), spoken to byte for byte with node:http as admin.
 * Hooks the file registers afterwards (its seeding) run once the API is up.
 */
export function useRawAdminApi(): void {
  beforeAll(async () => {
    api = await startLocalApi({ role: 'admin' });
    adminAuth = await bearer('admin');
  });
  afterAll(async () => {
    await api?.close();
  });
}

/** One request to the file's local API as written (`rawRequest`), with the admin token unless `headers` carry their own. */
export const raw = (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> =>
  rawRequest(api!.url, method, path, { ...adminAuth, ...headers }, body);

/** `raw` with a JSON body. */
export const sendJson = (method: string, path: string, json: unknown, headers: Record<string, string> = {}): Promise<RawResponse> =>
  raw(method, path, { 'content-type': 'application/json', ...headers }, JSON.stringify(json));
