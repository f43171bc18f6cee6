import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { type LocalEventSide, startLocalEventSide } from '../../infra/local/local-event-side.js';
import { mintLocalToken } from '../../infra/local/local-identity.js';
import { LOCAL_DIR, type LocalStack, startLocalStack } from '../../infra/local/local-stack.js';
import type { Role } from '../../shared/auth/role.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { ChildProcessInvoker } from './child-process-invoker.js';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from './dynamodb-fault-proxy.js';

/** The import-chunks consumer runs in a child process per invocation, so a scenario can kill it. */
export const IMPORT_WORKER = 'import-worker';

/**
 * Files over 512 KB fan out in ~160 KB chunks (~3,500 student rows) instead of 8 MB / 4 MB
 * (docs/import-jobs.md "Fan-out"), so `import-worker-killed` fans out a 20,000-row CSV while
 * the 2,000-row files of `s3-down` stay on the one-function path.
 */
const CHAOS_FAN_OUT = { IMPORT_FAN_OUT_THRESHOLD_BYTES: String(512 * 1024), IMPORT_CHUNK_BYTES: String(160 * 1024) };

/** The machine's Redis (shared with others: only ever touched under this run's prefixes). */
const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export interface ChaosResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, else undefined. */
  body: any;
}

export interface ChaosRequest {
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** @default 'admin' */
  as?: Role;
}

/**
 * The local stack as `npm start` composes it (gateway over the real bundles, DynamoDB Local
 * with its data on disk, local S3 with notifications, event bus, SQS and consumers), with a
 * fault point in front of each dependency the scenarios break: a TCP proxy before Redis and
 * before the local S3 endpoint, an HTTP fault proxy before DynamoDB Local. The machine's Redis
 * itself is never touched (others share it); every key lives under this run's own prefixes.
 */
export interface ChaosStack {
  url: string;
  stack: LocalStack;
  eventSide: LocalEventSide;
  redis: TcpProxy;
  s3: TcpProxy;
  /** The S3 endpoint behind the proxy (for the scenario's own setup, never for the stack). */
  s3Direct: string;
  dynamodb: DynamoDbFaultProxy;
  /** Runs `import-worker` in a child process per invocation: `live()` / `kill(pid)` (SIGKILL). */
  workers: ChildProcessInvoker;
  /** Stops the DynamoDB Local JVM (data stays on disk). */
  stopDynamoDb(): Promise<void>;
  /** Starts a new DynamoDB Local on the same data and points the proxy at it. */
  startDynamoDb(): Promise<void>;
  request(method: string, path: string, options?: ChaosRequest): Promise<ChaosResponse>;
  /** Lines the stack logged, newest last (kept for a failing scenario's detail). */
  logs: string[];
  stop(): Promise<void>;
}

export interface ChaosStackOptions {
  /** Skip bundling (the integration test relies on `npm run build`). @default true: bundle */
  bundle?: boolean;
}

export async function startChaosStack(options: ChaosStackOptions = {}): Promise<ChaosStack> {
  const run = `chaos-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dataDir = path.join(LOCAL_DIR, 'chaos', run);
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const redis = await startTcpProxy({ host: hostname, port: Number(port) });
  // Everything this run puts into the shared Redis sits under its own prefix.
  Object.assign(process.env, {
    REDIS_URL: redis.url,
    RATE_LIMIT_KEY_PREFIX: `${run}:rl:`,
    METRICS_KEY_PREFIX: `${run}:metrics:`,
    // One caller drives every scenario: keep its failed-auth budget out of the way.
    AUTH_FAILURE_LIMIT_IP: '100000:100000',
    AUTH_FAILURE_LIMIT_API_KEY: '100000:100000',
    NOTIFICATIONS_OUTBOX_FILE: path.join(dataDir, 'notifications.jsonl'),
    ...CHAOS_FAN_OUT,
  });
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (logs.length > 400) logs.shift();
    if (process.env.CHAOS_VERBOSE) console.log(line);
  };
  const stack = await startLocalStack({ dataDir, fresh: true, port: 0, s3Port: 0, bundle: options.bundle !== false, log });
  let database: DynamoDbLocal = stack.dynamodb;
  const dynamodb = await startDynamoDbFaultProxy(stack.dynamodb.endpoint);
  const s3Direct = stack.imports.s3.endpoint;
  const s3Url = new URL(s3Direct);
  const s3 = await startTcpProxy({ host: s3Url.hostname, port: Number(s3Url.port) });
  const s3Endpoint = `http://127.0.0.1:${s3.port}`;
  // No bundle has run yet: every client the functions build goes through the fault points.
  const faultEnv = { DYNAMODB_ENDPOINT: dynamodb.endpoint, AWS_ENDPOINT_URL_S3: s3Endpoint };
  Object.assign(stack.env, faultEnv);
  Object.assign(process.env, faultEnv);
  const workers = new ChildProcessInvoker(new Set([IMPORT_WORKER]), () => ({ ...process.env, ...stack.env }), log);
  const eventSide = await startLocalEventSide({ dynamodbEndpoint: dynamodb.endpoint, env: stack.env, eventsPort: 0, sqsPort: 0, invoker: workers, log });
  const tokens = new Map<Role, Promise<string>>();
  const token = (role: Role) => {
    const found = tokens.get(role) ?? mintLocalToken(stack.identity, { role, sub: `chaos-${role}`, ttlSeconds: 3600 });
    tokens.set(role, found);
    return found;
  };
  return {
    url: stack.url,
    stack,
    eventSide,
    redis,
    s3,
    s3Direct,
    dynamodb,
    workers,
    logs,
    stopDynamoDb: () => database.stop(),
    startDynamoDb: async () => {
      database = await startDynamoDbLocal({ workDir: dataDir, dbPath: path.join(dataDir, 'dynamodb') });
      dynamodb.retarget(database.endpoint);
    },
    request: async (method, route, request = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${await token(request.as ?? 'admin')}`, ...request.headers };
      let body = request.body;
      if (request.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(request.json);
      }
      const res = await fetch(`${stack.url}${route}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = /json/i.test(res.headers.get('content-type') ?? '') && text !== '' ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    stop: async () => {
      await eventSide.stop().catch(() => undefined);
      workers.killAll();
      await stack.gateway.close().catch(() => undefined);
      await stack.imports.s3.close().catch(() => undefined);
      await database.stop().catch(() => undefined);
      if (database !== stack.dynamodb) await stack.dynamodb.stop().catch(() => undefined);
      await Promise.all([redis.close(), s3.close(), dynamodb.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
