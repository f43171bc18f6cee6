import { parseSmokeArgs, SMOKE_USAGE, SmokeUsageError } from './smoke/smoke-args.js';
import { runSmoke, type SmokeResult } from './smoke/smoke-checks.js';

/**
 * `npm run smoke -- --url <ApiUrl> [--token T] [--origin O] [--read-only]`: the post-deploy
 * checks of docs/deploy.md against a stage or `npm start`. One line per check; exit 0 when
 * none failed (skipped ones say why), 1 when one did, 2 on a bad command line.
 */
async function main(argv: string[]): Promise<number> {
  const options = parseSmokeArgs(argv);
  process.stdout.write(`smoke ${options.url}${options.token ? '' : ' (no token: anonymous checks only)'}\n`);
  const results = await runSmoke(options);
  for (const result of results) process.stdout.write(`${line(result)}\n`);
  const failed = results.filter((result) => result.status === 'fail').length;
  const passed = results.filter((result) => result.status === 'pass').length;
  process.stdout.write(`${passed} passed, ${failed} failed, ${results.length - passed - failed} skipped\n`);
  return failed > 0 ? 1 : 0;
}

function line(result: SmokeResult): string {
  const mark = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' }[result.status];
  return `${mark} ${result.name} (${result.ms} ms): ${result.detail}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SmokeUsageError) {
      process.stderr.write(`${error.message}\n${SMOKE_USAGE}\n`);
      process.exit(2);
    }
    // Names and messages only: a stack trace says nothing to an operator reading a deploy log.
    process.stderr.write(`smoke: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
