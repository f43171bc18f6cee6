import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { DLQ_RETENTION_SECONDS, dlqName, type QueueDeclaration, queueUrlEnvVar } from '../../shared/events/queues.js';
import { ROOT } from '../build/bundle-functions.js';
import { LOCAL_AWS_ENV } from './dynamodb-local.js';

export interface LocalSqsOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

export interface DeclaredQueue {
  declaration: QueueDeclaration;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface LocalSqs {
  endpoint: string;
  port: number;
  /** A client with the shared dummy credentials, pointed at this endpoint. */
  client: SQSClient;
  /** Sends `body` to the named queue (the local bus's SQS target calls this). */
  sendToQueue(queueName: string, body: string, attributes?: Record<string, MessageAttributeValue>): Promise<string>;
  /** ApproximateNumberOfMessages (visible messages): DLQ depth for alarms and tests. */
  depth(queueName: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Local SQS: fauxqs (in process, AWS JSON protocol as SDK v3 and the CLI speak it) bound to
 * loopback. Its queue URLs carry the address clients reach it on (`http://127.0.0.1:<port>/…`),
 * because SDK v3 sends each request to the host of its QueueUrl.
 */
export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  const stores = await loopbackStores();
  const app = buildApp({ logger: false, stores });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    await app.close();
    throw new Error(`local SQS cannot listen on ${host}:${options.port ?? 0}: ${(error as Error).message}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : Number(options.port);
  const endpoint = `http://${host}:${port}`;
  const client = new SQSClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const urls = new Map<string, Promise<string>>();
  const urlOf = (queueName: string) => {
    let url = urls.get(queueName);
    if (!url) {
      url = client.send(new GetQueueUrlCommand({ QueueName: queueName })).then((out) => out.QueueUrl!);
      url.catch(() => urls.delete(queueName));
      urls.set(queueName, url);
    }
    return url;
  };
  return {
    endpoint,
    port,
    client,
    sendToQueue: async (queueName, body, attributes) => {
      const out = await client.send(new SendMessageCommand({ QueueUrl: await urlOf(queueName), MessageBody: body, MessageAttributes: attributes }));
      return out.MessageId!;
    },
    depth: async (queueName) => {
      const out = await client.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(queueName), AttributeNames: ['ApproximateNumberOfMessages'] }));
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    stop: async () => {
      client.destroy();
      await app.close();
    },
  };
}

/**
 * Creates each declared queue with its DLQ and redrive policy through the SQS API (idempotent:
 * CreateQueue with the same attributes returns the existing queue).
 */
export async function createQueues(client: SQSClient, declarations: readonly QueueDeclaration[]): Promise<DeclaredQueue[]> {
  return Promise.all(
    declarations.map(async (declaration) => {
      const dlq = await createQueue(client, dlqName(declaration), { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) });
      const queue = await createQueue(client, declaration.name, {
        VisibilityTimeout: String(declaration.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(declaration.retentionSeconds ?? 345_600),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: declaration.maxReceiveCount }),
      });
      return { declaration, url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
    }),
  );
}

/** `<NAME>_QUEUE_URL` for every declared queue, for producers (bundles and scripts). */
export function queueEnv(declared: readonly DeclaredQueue[]): Record<string, string> {
  return Object.fromEntries(declared.map((queue) => [queueUrlEnvVar(queue.declaration), queue.url]));
}

async function createQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

type Stores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

/**
 * fauxqs names queues `sqs.<region>.localhost:<port>` by default, which does not resolve here
 * and which SDK v3 would then call. Its stores are not exported, so they are loaded from the
 * package's files (version pinned in the lockfile; test/integration/local-sqs.test.ts breaks
 * if the layout changes) and the SQS store told to use the request's own host.
 */
async function loopbackStores(): Promise<Stores> {
  const dist = path.join(ROOT, 'node_modules', 'fauxqs', 'dist');
  const load = (file: string) => import(pathToFileURL(path.join(dist, file)).href);
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([load('sqs/sqsStore.js'), load('sns/snsStore.js'), load('s3/s3Store.js')]);
  const sqsStore = new SqsStore();
  sqsStore.host = '';
  return { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() } as Stores;
}
