import { stat } from 'node:fs/promises';
import path from 'node:path';
import { apiClient, CliError } from './import-cli/api-client.js';
import { parseImportArgs, USAGE, UsageError } from './import-cli/args.js';
import { pollUntilDone } from './import-cli/poll.js';
import { ProgressRenderer, RateMeter, type ProgressState } from './import-cli/progress.js';
import { summary } from './import-cli/summary.js';
import { uploadFile } from './import-cli/upload.js';

/**
 * `npm run import -- <file> [--entity students] [--mode create|upsert] [--api URL] [--token JWT]`:
 * asks the API for a presigned upload (door 2), streams the file to it, then follows the job
 * with a progress line until it ends and prints its summary and report link.
 * Exit codes: 0 completed, 2 completed_with_errors, 1 anything else (bad arguments, missing
 * file, refused by the API, upload failure, job failed); 130 when Ctrl-C stops following a job
 * (which goes on).
 */
async function main(argv: string[]): Promise<number> {
  const args = parseImportArgs(argv);
  const info = await stat(args.file).catch(() => undefined);
  if (!info) throw new CliError(`file not found: ${args.file}`);
  if (!info.isFile()) throw new CliError(`not a file: ${args.file}`);

  const api = apiClient(args.api, args.token);
  const filename = path.basename(args.file);
  const ticket = await api.createUpload({ entity: args.entity, filename, mode: args.mode });
  process.stderr.write(`import ${ticket.import_id}: ${filename} (${info.size} bytes) → ${args.entity}, mode ${args.mode}\n`);

  const progress = new ProgressRenderer(process.stderr);
  const byteRate = new RateMeter();
  let state: ProgressState = { phase: 'upload', bytesDone: 0, bytesTotal: info.size, rows: 0, bytesPerSecond: undefined, rowsPerSecond: undefined };
  progress.update(state);
  await uploadFile(ticket.upload_url, ticket.method, args.file, info.size, (sent) => {
    state = { ...state, bytesDone: sent, bytesPerSecond: byteRate.add(Date.now(), sent) };
    progress.update(state);
  });
  progress.finish({ ...state, bytesDone: info.size });

  process.once('SIGINT', () => {
    progress.finish();
    process.stderr.write(`stopped following; the job goes on: GET ${args.api}/api/v1/imports/${ticket.import_id}\n`);
    process.exit(130);
  });
  // The job's bytes_processed moves in parser-sized steps (64 KB): a 30 s window keeps its rate and the ETA steady.
  const jobBytes = new RateMeter(30_000);
  const jobRows = new RateMeter();
  const job = await pollUntilDone(
    () => api.getJob(ticket.import_id),
    (view) => {
      const t = Date.now();
      const bytesDone = view.bytes_processed ?? 0;
      const rows = view.rows_processed ?? 0;
      state = {
        phase: view.status,
        bytesDone,
        bytesTotal: view.bytes_total ?? info.size,
        rows,
        bytesPerSecond: jobBytes.add(t, bytesDone),
        rowsPerSecond: view.rows_per_second ?? jobRows.add(t, rows),
      };
      progress.update(state);
    },
    { initialMs: args.pollMs, maxMs: args.maxPollMs },
  );
  progress.finish();
  process.stdout.write(summary(job));
  return job.status === 'completed' ? 0 : job.status === 'completed_with_errors' ? 2 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    else if (error instanceof CliError) process.stderr.write(`\nerror: ${error.message}\n`);
    else process.stderr.write(`\nerror: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
