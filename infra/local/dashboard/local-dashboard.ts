import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../../build/bundle-functions.js';
import type { LocalConsoleHandler } from '../local-console.js';
import type { LocalTelemetry } from './local-telemetry.js';

/** Where the local dashboard lives on the local gateway (outside `/api/v1`, never deployed). */
export const DASHBOARD_PATH = '/_local/dashboard';
/** The dashboard's data: the telemetry snapshot as JSON. */
export const METRICS_PATH = '/_local/metrics';

/**
 * The page's files, a fixed list (no request path reaches the file system): the page and its
 * script beside this file, vega and vega-lite from node_modules (served locally, no CDN).
 */
const FILES: Record<string, { file: string; type: string }> = {
  [DASHBOARD_PATH]: { file: 'infra/local/dashboard/page/dashboard.html', type: 'text/html; charset=utf-8' },
  [`${DASHBOARD_PATH}/dashboard.js`]: { file: 'infra/local/dashboard/page/dashboard.js', type: 'text/javascript; charset=utf-8' },
  [`${DASHBOARD_PATH}/dashboard.css`]: { file: 'infra/local/dashboard/page/dashboard.css', type: 'text/css; charset=utf-8' },
  [`${DASHBOARD_PATH}/vega.min.js`]: { file: 'node_modules/vega/build/vega.min.js', type: 'text/javascript; charset=utf-8' },
  [`${DASHBOARD_PATH}/vega-lite.min.js`]: { file: 'node_modules/vega-lite/build/vega-lite.min.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * Same-origin only; vega compiles its expressions with `new Function`, hence 'unsafe-eval'
 * (a local developer page, never deployed).
 */
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The gateway hook serving the dashboard page and `/_local/metrics` from `telemetry`. */
export function localDashboard(telemetry: LocalTelemetry): LocalConsoleHandler {
  const cache = new Map<string, Buffer>();
  return async function dashboardRequest(req, res, rawPath) {
    if (rawPath !== METRICS_PATH && rawPath !== DASHBOARD_PATH && !rawPath.startsWith(`${DASHBOARD_PATH}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'application/json', Buffer.from('{"message":"Method Not Allowed"}'), req.method === 'HEAD', { allow: 'GET, HEAD' });
      return true;
    }
    if (rawPath === METRICS_PATH) {
      send(res, 200, 'application/json', Buffer.from(JSON.stringify(await telemetry.snapshot())), req.method === 'HEAD');
      return true;
    }
    const entry = FILES[rawPath];
    if (!entry) {
      send(res, 404, 'application/json', Buffer.from('{"message":"Not Found"}'), req.method === 'HEAD');
      return true;
    }
    let body = cache.get(entry.file);
    if (!body) {
      body = await readFile(path.join(ROOT, entry.file));
      // The page's own files are re-read (edit and reload); the vendored libraries once.
      if (entry.file.startsWith('node_modules/')) cache.set(entry.file, body);
    }
    send(res, 200, entry.type, body, req.method === 'HEAD');
    return true;
  };
}

function send(res: Parameters<LocalConsoleHandler>[1], status: number, type: string, body: Buffer, head: boolean, extra: Record<string, string> = {}) {
  res.writeHead(status, { ...HEADERS, ...extra, 'content-type': type, 'content-length': body.length });
  res.end(head ? undefined : body);
}
