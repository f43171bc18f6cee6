import type { _Record as StreamsRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

export interface StreamSource {
  streamArn: string;
  region: string;
}

/**
 * The record Lambda's DynamoDB event source mapping delivers for a GetRecords record: the
 * wire JSON (attribute values as DynamoDB JSON, binary as base64, the creation time as epoch
 * seconds), plus the stream ARN and the function's region.
 */
export function dynamoDbRecord(record: StreamsRecord, source: StreamSource): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (stream.ApproximateCreationDateTime) dynamodb.ApproximateCreationDateTime = stream.ApproximateCreationDateTime.getTime() / 1000;
  if (stream.Keys) dynamodb.Keys = image(stream.Keys);
  if (stream.NewImage) dynamodb.NewImage = image(stream.NewImage);
  if (stream.OldImage) dynamodb.OldImage = image(stream.OldImage);
  dynamodb.SequenceNumber = stream.SequenceNumber;
  dynamodb.SizeBytes = stream.SizeBytes;
  dynamodb.StreamViewType = stream.StreamViewType as NonNullable<DynamoDBRecord['dynamodb']>['StreamViewType'];
  const converted: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: source.region,
    dynamodb,
    eventSourceARN: source.streamArn,
  };
  // TTL deletions carry the service as the identity.
  if (record.userIdentity) converted.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  return converted;
}

function image(item: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, attributeValue(value)]));
}

/** SDK attribute values hold binary as Uint8Array; the event's JSON holds base64 strings. */
function attributeValue(value: unknown): AttributeValue {
  const v = value as Record<string, unknown>;
  if (v.B instanceof Uint8Array) return { B: base64(v.B) };
  if (Array.isArray(v.BS)) return { BS: (v.BS as Uint8Array[]).map(base64) };
  if (Array.isArray(v.L)) return { L: v.L.map(attributeValue) };
  if (v.M && typeof v.M === 'object') return { M: image(v.M as Record<string, unknown>) };
  // S, N, SS, NS, BOOL, NULL are already what the event carries; drop SDK `$unknown` members.
  const { $unknown: _ignored, ...rest } = v;
  return rest as AttributeValue;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
