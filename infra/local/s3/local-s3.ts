import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBucket, deleteBucket, deleteObjects, getBucket, headBucket, listBuckets } from './bucket-operations.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, uploadPart } from './multipart-operations.js';
import { copyObject, deleteObject, getObject, putObject } from './object-operations.js';
import { ObjectStore } from './object-store.js';
import { applyCors, type LocalS3Cors } from './s3-cors.js';
import { S3Error } from './s3-error.js';
import { type LocalS3Notification, notificationMatches, s3Event } from './s3-notifications.js';
import type { S3Context, S3Request } from './s3-request.js';
import { type LocalCredentials, verifySignature } from './sigv4-verifier.js';

export interface LocalS3Options {
  /** Objects persist here (`.local/s3` for `npm start`). */
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Created at start when missing. */
  buckets?: readonly string[];
  /** Requests must be signed with these (the local dummy credentials). */
  credentials: LocalCredentials;
  region?: string;
  /** Smallest multipart part but the last; S3's 5 MiB unless a test lowers it. */
  minPartBytes?: number;
  log?: (line: string) => void;
  /** Browser access (the web console's upload and download); none when omitted, like a bucket without CORS. */
  cors?: LocalS3Cors;
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  /** Registers a bucket notification; returns a function that removes it. */
  addNotification(config: LocalS3Notification): () => void;
  /** Resolves once every notification emitted so far has been delivered (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local S3 endpoint on 127.0.0.1 speaking enough of the REST API (path-style, SigV4, aws-chunked)
 * for the AWS CLI and SDK v3 with their default settings, objects on disk under `dataDir`, and
 * bucket notifications delivered in-process in the exact S3 event shape.
 */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const region = options.region ?? 'us-east-1';
  // The port first: a second endpoint on the same folder fails here, before its start-up sweep
  // could touch the running one's files.
  const server = createServer();
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`local S3: port ${options.port} is already in use (choose another with S3_PORT)`, { cause: error }) : error,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  let store: ObjectStore;
  try {
    store = new ObjectStore(options.dataDir);
    for (const bucket of options.buckets ?? []) await store.createBucket(bucket);
  } catch (error) {
    server.close();
    throw error;
  }
  const notifications = new Set<LocalS3Notification>();
  const pending = new Set<Promise<unknown>>();
  const log = options.log ?? (() => undefined);

  const ctx: S3Context = {
    store,
    maxObjectBytes: 5 * 1024 ** 3,
    minPartBytes: options.minPartBytes ?? 5 * 1024 * 1024,
    emit(event, target) {
      const full = { ...event, sourceIp: target.request.socket.remoteAddress ?? '127.0.0.1', requestId: target.requestId };
      for (const config of notifications) {
        if (!notificationMatches(config, full)) continue;
        // S3 delivers asynchronously, after answering the upload; a failing consumer never fails it.
        const delivery = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => config.deliver(s3Event(config, full, region)))
          .catch((error: unknown) => log(`local S3: notification ${config.id} for ${full.key} failed: ${(error as Error).message}`))
          .finally(() => pending.delete(delivery));
        pending.add(delivery);
      }
    },
  };

  const access = { credentials: options.credentials, cors: options.cors };
  server.on('request', (request, response) => void handle(ctx, access, request, response, log));
  // `Expect: 100-continue` (the AWS CLI's uploads): refuse a bad signature or bucket before the body is sent.
  server.on('checkContinue', (request, response) => void handle(ctx, access, request, response, log, true));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    addNotification(config) {
      notifications.add(config);
      return () => notifications.delete(config);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

interface Access {
  credentials: LocalCredentials;
  cors: LocalS3Cors | undefined;
}

async function handle(
  ctx: S3Context,
  access: Access,
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
  expectsContinue = false,
): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  response.setHeader('x-amz-request-id', requestId);
  response.setHeader('x-amz-id-2', requestId);
  response.setHeader('Server', 'LocalS3');
  let target: S3Request | undefined;
  try {
    // A browser's preflight carries no signature: CORS is judged before authentication, as S3 does.
    if (applyCors(access.cors, request, response)) return;
    target = parseTarget(request, response, requestId);
    verifySignature(request, access.credentials);
    if (expectsContinue) {
      if (target.key && !ctx.store.hasBucket(target.bucket)) throw new S3Error('NoSuchBucket', { BucketName: target.bucket });
      response.writeContinue();
    }
    await route(ctx, target);
  } catch (error) {
    const s3Error = error instanceof S3Error ? error : undefined;
    // A client that went away mid-upload: its temp file is already gone, nobody to answer.
    if (!s3Error && (request.destroyed || response.destroyed) && !response.headersSent) return;
    if (!s3Error) log(`local S3: ${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const failure = s3Error ?? new S3Error('InternalError');
    const status = failure.status;
    const body = request.method === 'HEAD' ? '' : failure.toXml(requestId);
    // An upload refused before its body was read: answer, then drop the rest of the body.
    if (!request.complete) response.setHeader('Connection', 'close');
    response.writeHead(status, { ...failure.headers, ...(body ? { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) } : {}) });
    response.end(body);
  }
}

function parseTarget(request: IncomingMessage, response: ServerResponse, requestId: string): S3Request {
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new S3Error('InvalidArgument', {}, 'Invalid URI encoding');
  }
  // Virtual-hosted style (`records-imports.localhost:4569`) is mapped onto path-style.
  const hostBucket = /^(.+)\.(?:localhost|127\.0\.0\.1)(?::\d+)?$/.exec(request.headers.host ?? '')?.[1];
  const full = hostBucket ? `${hostBucket}${path}` : path.slice(1);
  const slash = full.indexOf('/');
  return {
    request,
    response,
    bucket: slash === -1 ? full : full.slice(0, slash),
    key: slash === -1 ? '' : full.slice(slash + 1),
    query: new URLSearchParams(rawQuery),
    requestId,
  };
}

function route(ctx: S3Context, target: S3Request): Promise<void> | void {
  const { method } = target.request;
  const { query } = target;
  if (!target.bucket) {
    if (method === 'GET') return listBuckets(ctx, target);
    throw new S3Error('MethodNotAllowed');
  }
  if (!target.key) {
    if (method === 'PUT') return createBucket(ctx, target);
    if (method === 'HEAD') return headBucket(ctx, target);
    if (method === 'GET') return getBucket(ctx, target);
    if (method === 'DELETE') return deleteBucket(ctx, target);
    if (method === 'POST' && query.has('delete')) return deleteObjects(ctx, target);
    throw new S3Error('MethodNotAllowed');
  }
  if (!ctx.store.hasBucket(target.bucket)) throw new S3Error('NoSuchBucket', { BucketName: target.bucket });
  if (Buffer.byteLength(target.key) > 1024) throw new S3Error('InvalidArgument', { ArgumentName: 'key' }, 'Your key is too long');
  const subresource = ['tagging', 'acl', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes'].find((name) => query.has(name));
  if (subresource) throw new S3Error('NotImplemented', { Resource: `?${subresource}` }, `The local S3 endpoint does not implement ?${subresource}`);
  switch (method) {
    case 'PUT':
      if (query.has('uploadId')) return uploadPart(ctx, target);
      if (target.request.headers['x-amz-copy-source']) return copyObject(ctx, target);
      return putObject(ctx, target);
    case 'POST':
      if (query.has('uploads')) return createMultipartUpload(ctx, target);
      if (query.has('uploadId')) return completeMultipartUpload(ctx, target);
      throw new S3Error('MethodNotAllowed');
    case 'GET':
      if (query.has('uploadId')) return listParts(ctx, target);
      return getObject(ctx, target);
    case 'HEAD':
      return getObject(ctx, target);
    case 'DELETE':
      if (query.has('uploadId')) return abortMultipartUpload(ctx, target);
      return deleteObject(ctx, target);
    default:
      throw new S3Error('MethodNotAllowed');
  }
}
