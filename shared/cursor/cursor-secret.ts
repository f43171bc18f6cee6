import { tracer } from '../powertools/tracer.js';

let cached: Promise<string> | undefined;

/**
 * The cursor-signing secret: `CURSOR_SECRET` when run locally (generated under `.local/`),
 * otherwise fetched once per container from Secrets Manager (`CURSOR_SECRET_ARN`).
 */
export function loadCursorSecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  cached ??= resolve(env).catch((error: unknown) => {
    cached = undefined; // let the next request retry instead of caching the failure
    throw error;
  });
  return cached;
}

async function resolve(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.CURSOR_SECRET) return env.CURSOR_SECRET;
  if (!env.CURSOR_SECRET_ARN) throw new Error('CURSOR_SECRET or CURSOR_SECRET_ARN must be set');
  // Loaded on first use: only list functions need it, and importing the client costs every
  // other function ~10 ms of cold start.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const out = await tracer.captureAWSv3Client(new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: env.CURSOR_SECRET_ARN }));
  if (!out.SecretString) throw new Error('cursor secret is empty');
  return out.SecretString;
}
