import type { S3Event } from 'aws-lambda';
import { invokeImportHandler } from '../../infra/local/local-import-trigger.js';

/**
 * The importing process of the `import` bench: `node --import tsx import-s3-task.ts '<S3 event JSON>'`
 * hands one S3 event to the hook `npm start` uses for the local bucket's notifications (the
 * import function's bundle, retried like an asynchronous Lambda invocation), in its own process
 * so its peak RSS is the importer's alone; logs to stderr and prints `{ result, ms, cpuMs, peakRss }`.
 * The job's outcome is read from the jobs table by the bench, not from here.
 */
const event = JSON.parse(process.argv[2]!) as S3Event;
const cpuBefore = process.cpuUsage();
const started = performance.now();
await invokeImportHandler(event, (line) => console.error(line));
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ result: null, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss: process.resourceUsage().maxRSS * 1024 }));
process.exit(0);
