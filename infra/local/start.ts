import path from 'node:path';
import { parseArgs } from 'node:util';
import { watchWeb } from '../build/bundle-web.js';
import { functions } from '../../shared/registry.js';
import { DASHBOARD_PATH, METRICS_PATH } from './dashboard/local-dashboard.js';
import { LambdaInvoker } from './lambda-invoker.js';
import { startLocalEventSide } from './local-event-side.js';
import { mintLocalToken } from './local-identity.js';
import { DEFAULT_S3_PORT } from './local-imports-bucket.js';
import { LOCAL_DIR, startLocalStack } from './local-stack.js';
import { seed } from './seed.js';
import { TableShapeMismatchError } from './table-shape.js';

/**
 * `npm start [-- --fresh] [-- --seed] [-- --port N] [-- --watch]` (`npm run dev` = `--watch`: the
 * console is rebuilt when a file under web/ changes): the whole API on http://127.0.0.1:3000
 * against DynamoDB Local, data under .local/. Ctrl-C stops every child process.
 */
const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    seed: { type: 'boolean', default: false },
    port: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
  },
});

const started = Date.now();
const port = Number(values.port ?? process.env.PORT ?? 3000);
const stack = await startLocalStack({
  dataDir: path.join(LOCAL_DIR, 'data'),
  fresh: values.fresh,
  port,
  s3Port: Number(process.env.S3_PORT ?? DEFAULT_S3_PORT),
  s3Dir: path.join(LOCAL_DIR, 's3'),
  log: values.quiet ? undefined : (line) => console.log(line),
}).catch((error: unknown) => {
  // An older local table shape: say what to do rather than serve wrong lists.
  if (!(error instanceof TableShapeMismatchError)) throw error;
  console.error(error.message);
  process.exit(1);
});
// The local EventBridge (EVENTS_PORT, default 4571), SQS (SQS_PORT, default 4572) and the
// stream/queue mappings; bundles and the printed exports point at them.
const eventSide = await startLocalEventSide({
  dynamodbEndpoint: stack.dynamodb.endpoint,
  env: stack.env,
  dataDir: path.join(LOCAL_DIR, 'data'),
  // Consumers' invocations (errors, partial batch failures) feed the local dashboard too.
  invoker: new LambdaInvoker(undefined, (invocation) => stack.telemetry.recordInvocation(invocation)),
  log: values.quiet ? () => undefined : (line) => console.log(line),
}).catch(async (error: Error) => {
  console.error(`local EventBridge/SQS failed to start: ${error.message}`);
  await stack.stop();
  process.exit(1);
});
const { events, eventSources } = eventSide;
const webWatcher = values.watch ? watchWeb((line) => console.log(line)) : undefined;
if (webWatcher) console.log('watching web/: the console is rebuilt on every save (reload the page)');
stack.telemetry.setQueueDepths(eventSources.queueDepths);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  webWatcher?.close();
  console.log(`\n${signal}: stopping the gateway and DynamoDB Local…`);
  await eventSide.stop();
  await stack.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const adminToken = await mintLocalToken(stack.identity, { role: 'admin', sub: 'local-admin', ttlSeconds: 12 * 3600 });

if (values.seed) {
  try {
    const result = await seed(stack.url, adminToken);
    console.log(`seeded demo students: ${result.created} created, ${result.existing} already there`);
  } catch (error) {
    console.error(`seeding failed: ${(error as Error).message}`);
    await stack.stop();
    process.exit(1);
  }
}

console.log(`
Records platform running at ${stack.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  DynamoDB Local  ${stack.dynamodb.endpoint}  data in ${path.relative(process.cwd(), path.join(LOCAL_DIR, 'data'))}
  Local S3        ${stack.imports.s3.endpoint}  bucket ${stack.imports.bucket}, objects in ${path.relative(process.cwd(), path.join(LOCAL_DIR, 's3'))} (credentials local/local)
    export AWS_ENDPOINT_URL_S3=${stack.imports.s3.endpoint} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
  API docs        ${stack.url}/docs
  Web console     ${stack.url}/console/  (local sign-in: pick viewer, staff or admin)
  Dashboard       ${stack.url}${DASHBOARD_PATH}  (requests, functions, EMF metrics, queues; JSON at ${METRICS_PATH})
  EventBridge     ${events.url}  bus ${events.busName}, ${events.ruleCount} rules from events/rules.ts
    export AWS_ENDPOINT_URL_EVENTBRIDGE=${events.url}
  Routes:
${functions
  .flatMap((fn) =>
    fn.defaultRoute ? [`    *       (anything else) → ${fn.id}`] : fn.routes.map((route) => `    ${route.method.padEnd(7)} ${route.path} → ${fn.id}`),
  )
  .join('\n')}
  SQS             ${eventSources.sqs.endpoint}  queues → consumers (DLQ: <name>-dlq):
${eventSources.banner.join('\n')}
  Auth            JWKS ${stack.env.AUTH_JWKS_URL}, revocations in the DynamoDB revocations table
  Admin token (12 h; other roles: npm run token -- --role viewer|staff|admin):
    export TOKEN=${adminToken}
  For the AWS CLI / SDK scripts (CLI v1 also needs --endpoint-url for sqs):
    export AWS_ENDPOINT_URL_SQS=${eventSources.sqs.endpoint}
  Try: curl -s -H "Authorization: Bearer $TOKEN" ${stack.url}/api/v1/students | head -c 400
Ctrl-C stops everything.`);
