import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import * as z from 'zod/mini';
import { roleSchema } from '../../shared/auth/role.js';
import type { LocalRuntimeConfig } from '../../web/src/runtime-config.js';
import { WEB_BUNDLE_DIR, WEB_FILES } from '../build/bundle-web.js';
import { consoleContentSecurityPolicy } from '../build/console-browser-policy.js';
import { type LocalIdentity, mintLocalToken } from './local-identity.js';

/** Where the console lives on the local gateway; the API stays under `/api/v1`. */
export const CONSOLE_PATH = '/console';
/** LOCAL ONLY: mints a token for a chosen role. Nothing like it is ever deployed. */
export const LOCAL_TOKEN_PATH = `${CONSOLE_PATH}/local-token`;
/** The console's runtime config (web/src/runtime-config.ts): locally, always the local sign-in. */
const LOCAL_CONFIG: LocalRuntimeConfig = { mode: 'local' };
const LOCAL_TOKEN_TTL_SECONDS = 3600;
const MAX_TOKEN_REQUEST_BYTES = 1024;

const tokenRequestSchema = z.object({ role: roleSchema });

/** Locally the console is what CloudFront serves in AWS: the same CSP, no framing, no sniffing. */
const STATIC_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface LocalConsoleOptions {
  /** The local identity provider that signs tokens for the local sign-in. */
  identity: LocalIdentity;
  /** The built console (`bundleWeb()`). @default .build/web */
  dir?: string;
  /**
   * Origins the page may call besides its own (CSP `connect-src`): the local S3 endpoint, which
   * the import page PUTs files to and the export follows its 303 to.
   */
  connectSources?: readonly string[];
}

/** Answers the request when it belongs to the console (true), or leaves it to the API (false). */
export type LocalConsoleHandler = (req: IncomingMessage, res: ServerResponse, rawPath: string) => Promise<boolean>;

/**
 * The local gateway's console hook: the console's static files under `/console/` (with its
 * `config.json`, which says: local sign-in), and the
 * local sign-in's `POST /console/local-token {role}` that returns a token from the local
 * identity provider (the same tokens `npm run token` prints).
 */
export function localConsole(options: LocalConsoleOptions): LocalConsoleHandler {
  const dir = options.dir ?? WEB_BUNDLE_DIR;
  const csp = consoleContentSecurityPolicy(options.connectSources);
  return async function consoleRequest(req, res, rawPath) {
    if (rawPath !== CONSOLE_PATH && !rawPath.startsWith(`${CONSOLE_PATH}/`)) return false;
    if (rawPath === LOCAL_TOKEN_PATH) {
      await localToken(req, res, options.identity);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
      return true;
    }
    if (rawPath === CONSOLE_PATH) {
      res.writeHead(308, { location: `${CONSOLE_PATH}/`, 'content-length': 0 });
      res.end();
      return true;
    }
    const name = rawPath === `${CONSOLE_PATH}/` ? 'index.html' : rawPath.slice(CONSOLE_PATH.length + 1);
    if (name === 'config.json') {
      sendJson(res, 200, LOCAL_CONFIG);
      return true;
    }
    // A fixed list of names: no path ever reaches the file system from the request.
    if (!Object.hasOwn(WEB_FILES, name)) {
      sendJson(res, 404, { message: 'Not Found' });
      return true;
    }
    const file = await readFile(path.join(dir, name)).catch(() => undefined);
    if (!file) {
      sendJson(res, 503, { message: 'The console is not built: run npm run build' });
      return true;
    }
    res.writeHead(200, {
      ...STATIC_HEADERS,
      'content-security-policy': csp,
      'content-type': WEB_FILES[name as keyof typeof WEB_FILES],
      'content-length': file.length,
    });
    res.end(req.method === 'HEAD' ? undefined : file);
    return true;
  };
}

/**
 * JSON only (a cross-site form cannot send it without a preflight, which nothing answers
 * for this path), and from the console's own origin when the browser names one.
 */
async function localToken(req: IncomingMessage, res: ServerResponse, identity: LocalIdentity): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: 'POST' });
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host}`) return sendJson(res, 403, { message: 'Forbidden' });
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { message: 'Send {"role": "viewer|staff|admin"} as application/json' });
  }
  const body = await readSmallBody(req);
  let parsed: unknown;
  try {
    parsed = body === undefined ? undefined : JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const request = tokenRequestSchema.safeParse(parsed);
  if (!request.success) return sendJson(res, 422, { message: 'role must be one of viewer, staff, admin' });
  const { role } = request.data;
  const token = await mintLocalToken(identity, { role, sub: `local-console-${role}`, ttlSeconds: LOCAL_TOKEN_TTL_SECONDS });
  sendJson(res, 200, { access_token: token, token_type: 'Bearer', expires_in: LOCAL_TOKEN_TTL_SECONDS, role });
}

async function readSmallBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_TOKEN_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
