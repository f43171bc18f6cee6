import type { S3Event, S3EventRecord } from 'aws-lambda';
import { s3UrlEncode } from './s3-url-encode.js';

/** `ObjectCreated:Put`, `ObjectCreated:CompleteMultipartUpload`, `ObjectRemoved:Delete`, … */
export type S3EventName = `ObjectCreated:${'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload'}` | 'ObjectRemoved:Delete';

/** One bucket notification configuration, as `PutBucketNotificationConfiguration` holds it. */
export interface LocalS3Notification {
  /** The configuration id (`s3.configurationId` of the records). */
  id: string;
  bucket: string;
  /** S3 event types, e.g. `s3:ObjectCreated:*` (the default) or `s3:ObjectCreated:Put`. */
  events?: readonly string[];
  prefix?: string;
  suffix?: string;
  /** Receives the event, after the request that caused it has been answered. */
  deliver: (event: S3Event) => unknown;
}

export interface ObjectEvent {
  eventName: S3EventName;
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as stored; the record carries it unquoted like S3. */
  etag: string;
  sourceIp: string;
  requestId: string;
}

/** True when the configuration's event types and key filter select this event. */
export function notificationMatches(config: LocalS3Notification, event: ObjectEvent): boolean {
  if (config.bucket !== event.bucket) return false;
  if (config.prefix && !event.key.startsWith(config.prefix)) return false;
  if (config.suffix && !event.key.endsWith(config.suffix)) return false;
  return (config.events ?? ['s3:ObjectCreated:*']).some((pattern) => {
    const wanted = pattern.replace(/^s3:/, '');
    return wanted.endsWith(':*') ? event.eventName.startsWith(wanted.slice(0, -1)) : wanted === event.eventName;
  });
}

let lastSequence = 0n;

/** An S3 event notification exactly as S3 delivers it to Lambda (eventVersion 2.1). */
export function s3Event(config: Pick<LocalS3Notification, 'id'>, event: ObjectEvent, region: string, principalId = 'local'): S3Event {
  const sequence = BigInt(Date.now()) * 1000n;
  lastSequence = sequence > lastSequence ? sequence : lastSequence + 1n;
  const record: S3EventRecord = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: new Date().toISOString(),
    eventName: event.eventName,
    userIdentity: { principalId },
    requestParameters: { sourceIPAddress: event.sourceIp },
    responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.requestId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: config.id,
      bucket: { name: event.bucket, ownerIdentity: { principalId }, arn: `arn:aws:s3:::${event.bucket}` },
      object: {
        key: s3UrlEncode(event.key),
        size: event.size,
        eTag: event.etag.replace(/"/g, ''),
        sequencer: lastSequence.toString(16).toUpperCase().padStart(18, '0'),
      },
    },
  };
  return { Records: [record] };
}
