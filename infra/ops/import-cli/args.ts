import { parseArgs } from 'node:util';

export interface ImportCliArgs {
  file: string;
  entity: string;
  mode: 'create' | 'upsert';
  api: string;
  token: string | undefined;
  /** First poll delay; grows ×1.5 while nothing changes, up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
}

/** Bad command line: the message is printed with the usage, exit 1. */
export class UsageError extends Error {}

/** Runs `parse`; what `parseArgs` throws (unknown option, missing value) becomes a UsageError. */
function asUsageError<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const USAGE =
  'usage: npm run import -- <file.csv|file.xlsx> [--entity students] [--mode create|upsert] [--api http://127.0.0.1:3000] [--token JWT (or TOKEN env)]';

/** Parses `argv` (without node and the script) with `TOKEN` taken from `env` unless --token is given. */
export function parseImportArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ImportCliArgs {
  const parsed = asUsageError(() =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        entity: { type: 'string', default: 'students' },
        mode: { type: 'string', default: 'create' },
        api: { type: 'string', default: env.IMPORT_API ?? 'http://127.0.0.1:3000' },
        token: { type: 'string' },
        'poll-ms': { type: 'string', default: '250' },
        'max-poll-ms': { type: 'string', default: '2000' },
      },
    }),
  );
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError(positionals.length === 0 ? 'a file to import is required' : `one file at a time (got ${positionals.length})`);
  if (values.mode !== 'create' && values.mode !== 'upsert') throw new UsageError(`--mode must be create or upsert (got '${values.mode}')`);
  let api: URL;
  try {
    api = new URL(values.api);
  } catch {
    throw new UsageError(`--api is not a URL: '${values.api}'`);
  }
  if (api.protocol !== 'http:' && api.protocol !== 'https:') throw new UsageError('--api must be http(s)');
  const pollMs = Number(values['poll-ms']);
  const maxPollMs = Number(values['max-poll-ms']);
  if (!(pollMs > 0) || !(maxPollMs >= pollMs)) throw new UsageError('--poll-ms must be > 0 and --max-poll-ms >= --poll-ms');
  return {
    file: positionals[0]!,
    entity: values.entity,
    mode: values.mode,
    api: api.toString().replace(/\/+$/, ''),
    token: values.token ?? (env.TOKEN || undefined),
    pollMs,
    maxPollMs,
  };
}
