import { createHash, randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DomainEvent } from '../../events/catalog.js';
import { toPutEventsEntry } from '../../events/put-events-entry.js';
import { sqsRecord } from '../../infra/local/event-sources/sqs-event.js';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

/** The EventBridge event a rule's SQS target receives for one published envelope (AWS shape); `envelope` may be invalid on purpose. */
export function eventBridgeEvent(envelope: object, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const entry = toPutEventsEntry(envelope as DomainEvent);
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: ACCOUNT,
    time: entry.Time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [],
    detail: envelope,
    ...overrides,
  };
}

/** An SQS record as Lambda's event source mapping delivers it, with `body` verbatim. */
export function sqsRecordOf(body: string, queue: string, receiveCount = 1): SQSRecord {
  return sqsRecord(
    {
      MessageId: randomUUID(),
      ReceiptHandle: `AQEB${randomUUID().replaceAll('-', '')}`,
      Body: body,
      MD5OfBody: createHash('md5').update(body).digest('hex'),
      Attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEVENTBRIDGE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
    },
    { queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`, region: REGION },
  );
}

/** The SQS record delivering `envelope` through the rule → queue of `queue`. */
export function envelopeRecord(envelope: object, queue: string, receiveCount = 1): SQSRecord {
  return sqsRecordOf(JSON.stringify(eventBridgeEvent(envelope)), queue, receiveCount);
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A Lambda context with a generous time budget. */
export function lambdaContext(functionName: string, remainingMs = 30_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/12/03/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
