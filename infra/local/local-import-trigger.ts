import type { S3Event } from 'aws-lambda';

/**
 * THE hook where a local S3 file drop reaches the import handler: called with each S3 event
 * the imports bucket's notifications (shared/import/import-trigger.ts) select, exactly as
 * Lambda receives it from S3. Until the import function lands it only logs the event.
 *
 * To point it at the import bundle (the file CDK deploys), with a Lambda-sized timeout:
 * ```ts
 * const invoker = new LambdaInvoker(15 * 60_000);
 * const importFunction = functions.find((fn) => fn.id === '<import trigger function id>')!;
 * return invoker.invoke(importFunction, event);
 * ```
 */
export async function invokeImportHandler(event: S3Event, log: (line: string) => void): Promise<void> {
  for (const record of event.Records) {
    log(`local S3: ${record.eventName} s3://${record.s3.bucket.name}/${record.s3.object.key} (${record.s3.object.size} bytes) → import handler not wired yet`);
  }
}
