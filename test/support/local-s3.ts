import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { LOCAL_AWS_ENV } from '../../infra/local/dynamodb-local.js';
import { startLocalImportsBucket, type LocalImportsBucket } from '../../infra/local/local-imports-bucket.js';

export const LOCAL_CREDENTIALS = { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY };

export interface TestS3 {
  bucket: string;
  current: LocalImportsBucket;
  client: S3Client;
  /** Every S3 event the import trigger delivered, in order. */
  events: S3Event[];
  dir: string;
  /** Stops the endpoint and starts a new one on the same folder (and port). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A default SDK v3 client (checksum settings untouched) for the endpoint. */
export function s3Client(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_CREDENTIALS): S3Client {
  return new S3Client({ endpoint, forcePathStyle: true, region: LOCAL_AWS_ENV.AWS_REGION, credentials });
}

/**
 * The local S3 endpoint exactly as `npm start` composes it (imports bucket + import trigger
 * notifications), on a free port and a throw-away folder.
 */
export async function startTestS3(): Promise<TestS3> {
  const dir = mkdtempSync(path.join(tmpdir(), 'local-s3-'));
  const events: S3Event[] = [];
  const start = (port: number) => startLocalImportsBucket({ dataDir: dir, port, deliver: (event) => void events.push(event) });
  const current = await start(0);
  const state: TestS3 = {
    bucket: current.bucket,
    current,
    client: s3Client(current.s3.endpoint),
    events,
    dir,
    async restart() {
      await state.current.s3.close();
      state.current = await start(state.current.s3.port);
    },
    async stop() {
      state.client.destroy();
      await state.current.s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return state;
}
