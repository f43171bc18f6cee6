import { parseArgs } from 'node:util';
import type { SmokeOptions } from './smoke-checks.js';

/** Bad command line: the message is printed with the usage, exit 2. */
export class SmokeUsageError extends Error {}

/** Runs `parse`; what `parseArgs` throws (unknown option, missing value) becomes a SmokeUsageError. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new SmokeUsageError((error as Error).message);
  }
}

export const SMOKE_USAGE =
  'usage: npm run smoke -- --url <ApiUrl> [--token JWT (or TOKEN env)] [--origin https://console.example.com] [--read-only] [--timeout-ms 10000]';

/** Parses `argv` (without node and the script); `--api` is an alias of `--url`, `TOKEN` the default token. */
export function parseSmokeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SmokeOptions {
  const { values } = asUsageError(() =>
    parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        api: { type: 'string' },
        token: { type: 'string' },
        origin: { type: 'string' },
        'read-only': { type: 'boolean', default: false },
        'timeout-ms': { type: 'string', default: '10000' },
      },
    }),
  );
  const raw = values.url ?? values.api ?? env.SMOKE_URL;
  if (!raw) throw new SmokeUsageError('--url is required (the stack output ApiUrl, or http://127.0.0.1:3000)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SmokeUsageError(`--url is not a URL: '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SmokeUsageError('--url must be http(s)');
  const timeoutMs = Number(values['timeout-ms']);
  if (!(timeoutMs > 0)) throw new SmokeUsageError('--timeout-ms must be a positive number');
  const token = values.token ?? (env.TOKEN || undefined);
  return {
    url: url.toString().replace(/\/+$/, ''),
    ...(token ? { token } : {}),
    ...(values.origin ? { origin: values.origin } : {}),
    readOnly: values['read-only'],
    timeoutMs,
  };
}
