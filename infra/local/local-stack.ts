import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { functions, tableDesigns } from '../../shared/registry.js';
import { bundleFunctions, ROOT } from '../build/bundle-functions.js';
import { createTables } from './create-tables.js';
import { chooseLocalCache, type LocalCache } from './local-cache.js';
import { LOCAL_AWS_ENV, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { JWKS_PATH, type LocalGateway, startLocalGateway } from './local-gateway.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { type LocalIdentity, loadLocalIdentity, localAuthEnv } from './local-identity.js';
import { bundleWeb } from '../build/bundle-web.js';
import { localConsole } from './local-console.js';
import { invokeImportHandler } from './local-import-trigger.js';
import { type LocalImportsBucket, startLocalImportsBucket } from './local-imports-bucket.js';
import { captureEmf } from './dashboard/emf-capture.js';
import { localDashboard } from './dashboard/local-dashboard.js';
import { LocalTelemetry } from './dashboard/local-telemetry.js';

export interface LocalStackOptions {
  /** Persist DynamoDB data here; in-memory when omitted (tests). */
  dataDir?: string;
  /** Wipe `dataDir` first. */
  fresh?: boolean;
  port?: number;
  /** Local S3 endpoint port (0: any free port). */
  s3Port?: number;
  /** Local S3 objects persist here; a throw-away folder when omitted. */
  s3Dir?: string;
  /** Skip bundling when the caller just did it. */
  bundle?: boolean;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  dynamodb: DynamoDbLocal;
  gateway: LocalGateway;
  /** Redis, or the in-memory stand-in when none answered at startup. */
  cache: LocalCache;
  /** The local S3 endpoint and its imports bucket (notifications → the import handler). */
  imports: LocalImportsBucket;
  /** The local identity provider's key: `mintLocalToken(stack.identity, …)`. */
  identity: LocalIdentity;
  /** The environment the functions see (also applied to process.env). */
  env: Record<string, string>;
  /** What the local dashboard (`/_local/dashboard`, `/_local/metrics`) shows; event sources report into it too. */
  telemetry: LocalTelemetry;
  stop(): Promise<void>;
}

export const LOCAL_DIR = path.join(ROOT, '.local');

/** The local feature-flag rules, committed with examples (docs/feature-flags.md). */
export const LOCAL_FLAGS_FILE = path.join(ROOT, 'infra/local/flags.json');

/**
 * Composes the local picture: DynamoDB Local, tables from the registry, the cache (Redis if
 * one answers, else in memory), the same esbuild bundles CDK deploys, the local identity
 * provider (a signing key under `.local/auth/`, its JWKS served by the gateway), Redis for
 * revocations, and the API Gateway stand-in in front of them, with the web console (and its
 * local sign-in) under `/console/`.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (options.fresh && options.dataDir) rmSync(options.dataDir, { recursive: true, force: true });
  const workDir = options.dataDir ?? path.join(LOCAL_DIR, 'tmp');
  const dynamodb = await startDynamoDbLocal({
    workDir,
    ...(options.dataDir ? { dbPath: path.join(options.dataDir, 'dynamodb') } : {}),
  });
  const s3Dir = options.s3Dir ?? path.join(workDir, `s3-${process.pid}-${Date.now()}`);
  const stopImports = async () => {
    await imports?.s3.close();
    if (!options.s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  };
  let imports: LocalImportsBucket | undefined;
  let consoleOrigin: string | undefined;
  const telemetry = new LocalTelemetry();
  const observe = telemetry.recordInvocation.bind(telemetry);
  // The bundles' EMF lines (Powertools Metrics → stdout) feed the local dashboard.
  const stopCapture = captureEmf(telemetry);
  try {
    const log = options.log ?? console.log;
    imports = await startLocalImportsBucket({
      dataDir: s3Dir,
      port: options.s3Port ?? 0,
      deliver: (event) => invokeImportHandler(event, log, observe),
      log,
      // The console uploads to and downloads from the bucket directly (presigned URLs).
      corsOrigins: () => [
        ...(consoleOrigin ? [consoleOrigin, consoleOrigin.replace('//127.0.0.1:', '//localhost:')] : []),
        ...(process.env.CORS_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
      ],
    });
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: LOCAL_AWS_ENV.AWS_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const tableEnv = await createTables(client, tableDesigns);
    client.destroy();
    const cache = await chooseLocalCache(options.dataDir);
    (options.log ?? console.log)(cache.description);
    const identity = await loadLocalIdentity();
    const env: Record<string, string> = {
      ...LOCAL_AWS_ENV,
      ...tableEnv,
      ...cache.env,
      ...imports.env,
      DYNAMODB_ENDPOINT: dynamodb.endpoint,
      CURSOR_SECRET: cursorSecret(options.dataDir),
      CORS_ALLOWED_ORIGINS: process.env.CORS_ALLOWED_ORIGINS ?? 'http://localhost:3000,http://127.0.0.1:3000',
      ALLOWED_HOSTS: process.env.ALLOWED_HOSTS ?? 'localhost,127.0.0.1,::1',
      // One developer is every caller locally: 10× the deployed limits (RATE_LIMIT_SCALE=1 to try them).
      RATE_LIMIT_SCALE: process.env.RATE_LIMIT_SCALE ?? '10',
      POWERTOOLS_METRICS_NAMESPACE: 'RecordsPlatform',
      // On: the EMF lines feed the local dashboard (and stay off the terminal; LOCAL_EMF_ECHO=1 shows them).
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'false',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      // Feature flag rules (AppConfig's shape); edits apply within a second while the stack runs.
      FLAGS_FILE: process.env.FLAGS_FILE ?? LOCAL_FLAGS_FILE,
      // Every notification channel appends a JSON line here locally (docs/notifications.md).
      NOTIFICATIONS_OUTBOX_FILE: process.env.NOTIFICATIONS_OUTBOX_FILE ?? path.join(ROOT, '.local/notifications/outbox.jsonl'),
    };
    Object.assign(process.env, env);
    if (options.bundle !== false) {
      bundleFunctions();
      bundleWeb();
    }
    const gateway = await startLocalGateway({
      functions,
      port: options.port ?? 3000,
      log: options.log,
      jwks: identity.jwks,
      console: localConsole({ identity, connectSources: [imports.s3.endpoint] }),
      invoker: new LambdaInvoker(undefined, observe),
      onRequest: (request) => telemetry.recordRequest(request),
      dashboard: localDashboard(telemetry),
    });
    consoleOrigin = gateway.url;
    // The authorizer bundle loads on the first protected request, after the port is known.
    Object.assign(env, localAuthEnv(`${gateway.url}${JWKS_PATH}`));
    Object.assign(process.env, env);
    return {
      url: gateway.url,
      dynamodb,
      gateway,
      cache,
      imports,
      identity,
      env,
      telemetry,
      stop: async () => {
        await gateway.close();
        await stopImports();
        await dynamodb.stop();
        stopCapture();
      },
    };
  } catch (error) {
    stopCapture();
    await stopImports();
    await dynamodb.stop();
    throw error;
  }
}

/** A per-checkout secret kept under .local/ (never committed); random per in-memory run. */
function cursorSecret(dataDir?: string): string {
  if (process.env.CURSOR_SECRET) return process.env.CURSOR_SECRET;
  if (!dataDir) return randomBytes(32).toString('base64url');
  const file = path.join(dataDir, 'cursor-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
