import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { JSONWebKeySet } from 'jose';
import type { FunctionDeclaration, LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { createRouteTable } from '../../shared/http/route-table.js';
import { authorizer as registryAuthorizer } from '../../shared/registry.js';
import { rawPathOf, rawQueryOf, toApiGatewayEvent } from './api-gateway-event.js';
import { isSimpleAuthorizerResult, toAuthorizerEvent } from './authorizer-event.js';
import { LambdaInvoker, LambdaTimeoutError } from './lambda-invoker.js';
import type { LocalConsoleHandler } from './local-console.js';
import { type RequestLogFields, requestLogLine } from './request-log-line.js';

/** API Gateway HTTP APIs refuse payloads over 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
/** Where the local identity provider publishes its keys (Cognito: `<issuer>/.well-known/jwks.json`). */
export const JWKS_PATH = '/.well-known/jwks.json';

export interface LocalGatewayOptions {
  functions: readonly FunctionDeclaration[];
  port?: number;
  host?: string;
  invoker?: LambdaInvoker;
  /**
   * The Lambda authorizer run before every non-public route, as API Gateway does.
   * @default the registry's authorizer
   */
  authorizer?: LambdaDeclaration;
  /**
   * Public keys of the local identity provider, served at `/.well-known/jwks.json`. That path
   * belongs to the identity provider (Cognito in AWS), not to the API.
   */
  jwks?: JSONWebKeySet;
  /**
   * The web console and its LOCAL-ONLY sign-in under `/console/` (`localConsole()`); like the
   * JWKS, answered before route lookup. In AWS the console is a separate static site.
   */
  console?: LocalConsoleHandler;
  /** One line per request (route key and parameter names, never values); silent when omitted. */
  log?: (line: string) => void;
  /** Sees the fields of every request's log line (the local dashboard counts them). */
  onRequest?: (request: RequestLogFields) => void;
  /** The local dashboard (`localDashboard()`) under `/_local/`, answered before route lookup. */
  dashboard?: LocalConsoleHandler;
}

export interface LocalGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface LambdaResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, (string | number | boolean)[]>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * A local stand-in for API Gateway: turns HTTP requests into payload-2.0 events, runs the
 * Lambda authorizer for non-public routes (its context lands in
 * `requestContext.authorizer.lambda`), invokes the bundled handler of the matching route (or
 * the `$default` fallback) and maps the result back the way API Gateway does.
 */
export async function startLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const routes = createRouteTable(options.functions);
  const fallback = options.functions.find((fn) => fn.defaultRoute);
  const invoker = options.invoker ?? new LambdaInvoker();
  const authorizer = options.authorizer ?? registryAuthorizer;

  /**
   * API Gateway's part of authorization: invoke the authorizer and attach its context, or
   * answer as API Gateway would (403 for isAuthorized false, 500 for a failed authorizer).
   * Preflight never runs it: in AWS, OPTIONS has no route of its own and reaches the public
   * `$default`.
   */
  async function authorizeRequest(fn: FunctionDeclaration, event: APIGatewayProxyEventV2, res: ServerResponse): Promise<boolean> {
    if (fn.permission === 'public' || event.routeKey === '$default' || event.requestContext.http.method === 'OPTIONS') return true;
    let result: unknown;
    try {
      result = await invoker.invoke(authorizer, toAuthorizerEvent(event));
    } catch (error) {
      console.error(`[gateway] authorizer ${authorizer.id} failed:`, error);
      send(res, 500, { message: 'Internal Server Error' });
      return false;
    }
    if (!isSimpleAuthorizerResult(result)) {
      console.error(`[gateway] authorizer ${authorizer.id} returned an invalid simple response`);
      send(res, 500, { message: 'Internal Server Error' });
      return false;
    }
    if (!result.isAuthorized) {
      send(res, 403, { message: 'Forbidden' });
      return false;
    }
    (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: result.context ?? {} };
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    // No URL parsing: a hostile Host header or a `//` path must not break the gateway.
    const rawPath = rawPathOf(req);
    const rawQuery = rawQueryOf(req);
    const method = req.method ?? 'GET';
    if (options.jwks && rawPath === JWKS_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      return send(res, 200, options.jwks);
    }
    if (options.console && (await options.console(req, res, rawPath))) return;
    if (options.dashboard && (await options.dashboard(req, res, rawPath))) return;
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, { message: 'Request Entity Too Large' });
    const resolution = routes.resolve(req.method ?? 'GET', rawPath);
    const target =
      resolution.kind === 'found'
        ? { fn: resolution.fn, routeKey: resolution.routeKey, pathParameters: resolution.pathParameters }
        : fallback && { fn: fallback, routeKey: '$default', pathParameters: {} };
    if (!target) return send(res, 404, { message: 'Not Found' });
    const event = toApiGatewayEvent({ req, rawQuery, body, routeKey: target.routeKey, pathParameters: target.pathParameters });
    const logRequest = (fields: RequestLogFields) => {
      options.onRequest?.(fields);
      options.log?.(requestLogLine(fields));
    };
    if (!(await authorizeRequest(target.fn, event, res))) {
      logRequest({ method, routeKey: target.routeKey, rawQuery, status: res.statusCode, target: authorizer.id, ms: performance.now() - started });
      return;
    }
    try {
      const result = await invoker.invoke(target.fn, event);
      writeResult(res, result, event.requestContext.requestId, req.method === 'HEAD');
    } catch (error) {
      // What API Gateway answers when the integration fails or times out.
      const timedOut = error instanceof LambdaTimeoutError;
      console.error(`[gateway] ${target.fn.id} ${timedOut ? 'timed out' : 'failed'}:`, error);
      send(res, timedOut ? 503 : 500, { message: timedOut ? 'Service Unavailable' : 'Internal Server Error' });
    }
    const retries = Number(res.getHeader('x-retry-count') ?? 0) || undefined;
    logRequest({ method, routeKey: target.routeKey, rawQuery, status: res.statusCode, target: target.fn.id, ms: performance.now() - started, retries });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[gateway] unexpected failure', error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The whole body (API Gateway buffers it too), or undefined past the 10 MB limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** API Gateway's mapping of a payload-2.0 result onto the HTTP response. */
function writeResult(res: ServerResponse, raw: unknown, requestId: string, head: boolean) {
  const result: LambdaResult =
    raw !== null && typeof raw === 'object' && 'statusCode' in raw
      ? (raw as LambdaResult)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(raw) };
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    res.setHeader(name, values.map(String));
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    res.setHeader(name, String(value));
  }
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  res.setHeader('apigw-requestid', requestId);
  const payload = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.statusCode = result.statusCode ?? 200;
  if (!res.hasHeader('content-length') && res.statusCode !== 204 && res.statusCode !== 304) {
    res.setHeader('content-length', payload.length);
  }
  res.end(head ? undefined : payload);
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
