import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EVENT_BUS_NAME } from '../../events/put-events-entry.js';
import { publishOutbox } from '../../shared/events/outbox-publisher.js';
import { tracer } from '../../shared/powertools/tracer.js';

// AWS_ENDPOINT_URL_EVENTBRIDGE points it at the local bus; captured: PutEvents shows in the trace.
const client = tracer.captureAWSv3Client(new EventBridgeClient({}));

/** DynamoDB stream handler of the outbox table (see shared/events/stream-sources.ts). */
export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  publishOutbox(event, { client, eventBusName: process.env.EVENT_BUS_NAME ?? EVENT_BUS_NAME });
