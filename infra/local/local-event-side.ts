import { queues } from '../../shared/events/queues.js';
import { streamSources } from '../../shared/events/stream-sources.js';
import { lambdas, tableDesigns } from '../../shared/registry.js';
import { type LocalEventBus, startLocalEventBus } from './eventbridge/local-event-bus.js';
import { sqsTarget } from './eventbridge/sqs-target.js';
import type { LambdaInvoker } from './lambda-invoker.js';
import { type LocalEventSources, startLocalEventSources } from './local-event-sources.js';

export interface LocalEventSideOptions {
  dynamodbEndpoint: string;
  /** The functions' environment (table names by `<TABLE>_TABLE_NAME`); the event side adds to it. */
  env: Record<string, string>;
  /** Local EventBridge port. @default EVENTS_PORT or 4571; 0 picks a free port */
  eventsPort?: number;
  /** Local SQS port. @default SQS_PORT or 4572; 0 picks a free port */
  sqsPort?: number;
  /** Stream checkpoints persist here; in memory when omitted. */
  dataDir?: string;
  /** Runs the consumers (`npm start` passes one whose observer feeds the local dashboard). */
  invoker?: LambdaInvoker;
  log?: (line: string) => void;
}

export interface LocalEventSide {
  events: LocalEventBus;
  eventSources: LocalEventSources;
  /** `AWS_ENDPOINT_URL_EVENTBRIDGE`, `EVENT_BUS_NAME`, `AWS_ENDPOINT_URL_SQS`, `<NAME>_QUEUE_URL` (also in `env` and process.env). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The event half of the local run, as `npm start` runs it: the local EventBridge with the rules
 * of events/rules.ts, SQS with every declared queue and DLQ, each queue polled for its
 * registered consumer and each declared table stream for its consumer (the outbox → publisher),
 * and the rules delivering into the queues as EventBridge → SQS targets do in AWS. Every
 * function runs from the same esbuild bundle as in Lambda.
 */
export async function startLocalEventSide(options: LocalEventSideOptions): Promise<LocalEventSide> {
  const log = options.log ?? (() => undefined);
  const events = await startLocalEventBus({ ...(options.eventsPort === undefined ? {} : { port: options.eventsPort }), log });
  const eventsEnv = { AWS_ENDPOINT_URL_EVENTBRIDGE: events.url, EVENT_BUS_NAME: events.busName };
  Object.assign(options.env, eventsEnv);
  Object.assign(process.env, eventsEnv);
  let eventSources: LocalEventSources;
  try {
    eventSources = await startLocalEventSources({
      dynamodbEndpoint: options.dynamodbEndpoint,
      env: options.env,
      lambdas,
      tableDesigns,
      queues,
      streamSources,
      ...(options.sqsPort === undefined ? {} : { sqsPort: options.sqsPort }),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.invoker ? { invoker: options.invoker } : {}),
      log,
    });
  } catch (error) {
    await events.close();
    throw error;
  }
  Object.assign(options.env, eventSources.env);
  events.setDeliver(sqsTarget(eventSources.sendToQueue));
  return {
    events,
    eventSources,
    env: { ...eventsEnv, ...eventSources.env },
    stop: async () => {
      await events.close();
      await eventSources.stop();
    },
  };
}
