import type { S3Event } from 'aws-lambda';
import { importFunction } from '../../shared/registry.js';
import type { InvocationObservation } from './dashboard/local-telemetry.js';
import { LambdaInvoker } from './lambda-invoker.js';

/** Lambda retries a failed asynchronous invocation (S3 notifications are) twice. */
const ASYNC_ATTEMPTS = 3;

let invoker: LambdaInvoker | undefined;

/**
 * THE hook where a local S3 file drop reaches the import handler: each S3 event the imports
 * bucket's notifications (shared/import/import-trigger.ts) select is given, exactly as Lambda
 * receives it from S3, to the import function's bundle (the file CDK deploys) with its
 * declared timeout; a failed invocation is retried like an asynchronous Lambda invocation
 * (the retry resumes the job from its checkpoint).
 */
export async function invokeImportHandler(event: S3Event, log: (line: string) => void, observe?: (invocation: InvocationObservation) => void): Promise<void> {
  invoker ??= new LambdaInvoker((importFunction.timeoutSeconds ?? 900) * 1000, observe);
  for (const record of event.Records) {
    log(`local S3: ${record.eventName} s3://${record.s3.bucket.name}/${record.s3.object.key} (${record.s3.object.size} bytes) → ${importFunction.id}`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await invoker.invoke(importFunction, event);
      log(`${importFunction.id}: ${JSON.stringify(result)}`);
      return;
    } catch (error) {
      log(`${importFunction.id}: attempt ${attempt} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (attempt >= ASYNC_ATTEMPTS) return;
    }
  }
}
