import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import type { TableDesign } from '../../shared/store/dynamodb/table-design.js';
import { consumerOf, dlqName, type QueueDeclaration } from '../../shared/events/queues.js';
import type { StreamSourceDeclaration } from '../../shared/events/stream-sources.js';
import { LOCAL_AWS_ENV } from './dynamodb-local.js';
import { startDynamoDbStreamPoller } from './event-sources/dynamodb-stream-poller.js';
import { startSqsPoller } from './event-sources/sqs-poller.js';
import { fileCheckpoints, memoryCheckpoints } from './event-sources/stream-checkpoints.js';
import type { QueueDepth } from './dashboard/local-telemetry.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { createQueues, type DeclaredQueue, type LocalSqs, queueEnv, startLocalSqs } from './local-sqs.js';

export interface LocalEventSourcesOptions {
  dynamodbEndpoint: string;
  /** The stack's env: table names by env var (`<TABLE>_TABLE_NAME`). */
  env: Record<string, string>;
  lambdas: readonly LambdaDeclaration[];
  tableDesigns: readonly TableDesign[];
  queues: readonly QueueDeclaration[];
  streamSources: readonly StreamSourceDeclaration[];
  /** @default process.env.SQS_PORT ?? 4572 */
  sqsPort?: number;
  /** Stream checkpoints persist here (beside the DynamoDB data); in memory when omitted. */
  dataDir?: string;
  /** Runs the consumers (one with an observer feeds the local dashboard). @default a new LambdaInvoker */
  invoker?: LambdaInvoker;
  log?: (line: string) => void;
}

export interface LocalEventSources {
  sqs: LocalSqs;
  /** `AWS_ENDPOINT_URL_SQS` and `<NAME>_QUEUE_URL` (also applied to process.env). */
  env: Record<string, string>;
  /** Lines for the startup banner. */
  banner: string[];
  /** Messages waiting in every declared queue and its DLQ (the local dashboard's Queues row). */
  queueDepths(): Promise<QueueDepth[]>;
  /** The local bus's SQS target: `deliver(target, event)` → `sendToQueue(target.queue, JSON.stringify(event))`. */
  sendToQueue: LocalSqs['sendToQueue'];
  stop(): Promise<void>;
}

/**
 * The event side of the local run: SQS on loopback with every declared queue and DLQ, an
 * SQS event source mapping per queue whose consumer is registered, and a stream mapping per
 * declared stream source whose table has a stream — all invoking the same bundles.
 */
export async function startLocalEventSources(options: LocalEventSourcesOptions): Promise<LocalEventSources> {
  const log = options.log ?? console.log;
  const sqs = await startLocalSqs({ port: options.sqsPort ?? Number(process.env.SQS_PORT ?? 4572) });
  const declared = await createQueues(sqs.client, options.queues);
  const env = { AWS_ENDPOINT_URL_SQS: sqs.endpoint, ...queueEnv(declared) };
  Object.assign(process.env, env);
  const invoker = options.invoker ?? new LambdaInvoker();
  const lambdaById = new Map(options.lambdas.map((fn) => [fn.id, fn]));
  const report = (source: string) => (error: unknown, detail: string) => log(`${source}: ${detail}: ${(error as Error)?.message ?? error}`);
  const banner: string[] = [];
  const stops: (() => Promise<void>)[] = [];

  for (const queue of declared) {
    const fn = lambdaById.get(consumerOf(queue.declaration));
    banner.push(`    ${queue.declaration.name.padEnd(24)} → ${fn ? fn.id : `(no function '${consumerOf(queue.declaration)}' registered: not polled)`}`);
    if (!fn) continue;
    const poller = startSqsPoller({
      client: sqs.client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: LOCAL_AWS_ENV.AWS_REGION,
      batchSize: queue.declaration.batchSize,
      maximumBatchingWindowSeconds: queue.declaration.maximumBatchingWindowSeconds,
      concurrency: queue.declaration.maximumConcurrency ?? 2,
      invoke: (event) => invoker.invoke(fn, event),
      onError: report(`sqs ${queue.declaration.name}`),
    });
    stops.push(() => poller.stop());
  }

  const credentials = { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY };
  const clientConfig = { endpoint: options.dynamodbEndpoint, region: LOCAL_AWS_ENV.AWS_REGION, credentials };
  const dynamodb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);
  const checkpoints = options.dataDir ? fileCheckpoints(path.join(options.dataDir, 'stream-checkpoints.json')) : memoryCheckpoints();
  for (const source of options.streamSources) {
    const design = options.tableDesigns.find((table) => table.id === source.table);
    const fn = lambdaById.get(source.consumer);
    const tableName = design ? options.env[design.envVar] : undefined;
    const streamArn = tableName ? (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn : undefined;
    const missing = !design
      ? `no table '${source.table}'`
      : !streamArn
        ? `table '${source.table}' has no stream`
        : !fn
          ? `no function '${source.consumer}' registered`
          : undefined;
    banner.push(`    ${`stream ${source.table}`.padEnd(24)} → ${missing ? `(${missing}: not polled)` : source.consumer}`);
    if (missing) continue;
    const poller = startDynamoDbStreamPoller({
      client: streams,
      streamArn: streamArn!,
      region: LOCAL_AWS_ENV.AWS_REGION,
      startingPosition: source.startingPosition,
      batchSize: source.batchSize,
      maximumBatchingWindowSeconds: source.maximumBatchingWindowSeconds,
      bisectBatchOnFunctionError: source.bisectBatchOnFunctionError,
      maximumRetryAttempts: source.maximumRetryAttempts,
      checkpoints,
      invoke: (event) => invoker.invoke(fn!, event),
      onError: report(`stream ${source.table}`),
    });
    poller.done.catch((error) => log(`stream ${source.table}: poller stopped: ${(error as Error).message}`));
    stops.push(() => poller.stop());
  }

  const watch = watchDeadLetterQueues(sqs, declared, log);
  stops.push(async () => clearInterval(watch));

  return {
    sqs,
    env,
    banner,
    queueDepths: () =>
      Promise.all(
        declared.map(async (queue) => ({
          queue: queue.declaration.name,
          depth: await sqs.depth(queue.declaration.name),
          dlqDepth: await sqs.depth(dlqName(queue.declaration)),
        })),
      ),
    sendToQueue: sqs.sendToQueue,
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
      dynamodb.destroy();
      streams.destroy();
      await sqs.stop();
    },
  };
}

/** Locally there is no CloudWatch alarm on DLQ depth: say so in the log when a DLQ fills. */
function watchDeadLetterQueues(sqs: LocalSqs, declared: readonly DeclaredQueue[], log: (line: string) => void): NodeJS.Timeout {
  const depths = new Map<string, number>();
  const timer = setInterval(() => {
    for (const queue of declared) {
      const name = dlqName(queue.declaration);
      sqs.depth(name).then(
        (depth) => {
          if (depth > (depths.get(name) ?? 0))
            log(`DLQ ${name}: ${depth} message(s) — inspect with aws sqs receive-message --endpoint-url ${sqs.endpoint} --queue-url ${queue.dlqUrl}`);
          depths.set(name, depth);
        },
        () => undefined,
      );
    }
  }, 5_000);
  timer.unref();
  return timer;
}
