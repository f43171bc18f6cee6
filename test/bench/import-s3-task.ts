import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import { importFunction } from '../../shared/registry.js';

/**
 * The importing process of the `import` bench: `node --import tsx import-s3-task.ts '<S3 event JSON>'`
 * runs the import function's bundle on one S3 event (as Lambda would) in its own process, so
 * its peak RSS is the importer's alone; prints `{ result, ms, cpuMs, peakRss }`.
 */
const event = JSON.parse(process.argv[2]!) as unknown;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await new LambdaInvoker((importFunction.timeoutSeconds ?? 900) * 1000).invoke(importFunction, event);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(JSON.stringify({ result, ms, cpuMs: (cpu.user + cpu.system) / 1000, peakRss: process.resourceUsage().maxRSS * 1024 }));
process.exit(0);
