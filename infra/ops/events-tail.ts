import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EVENT_BUS_NAME } from '../../events/put-events-entry.js';
import { formatTailed, tailEvents } from './events-tail/tail.js';

const USAGE = `npm run events:tail -- [--local] [--bus NAME] [--type order.created,...] [--correlation-id ID] [--count N] [--json]

Prints the domain events flowing on the bus (time, type, subject, envelope id, correlation and
causation ids) through a temporary rule + SQS queue, removed on exit. Endpoints follow the SDK
convention (AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_ENDPOINT_URL_SQS); --local points both at the
local stack of npm start (EVENTS_PORT 4571, SQS_PORT 4572) with its local credentials.`;

const { values } = parseArgs({
  options: {
    local: { type: 'boolean', default: false },
    bus: { type: 'string' },
    type: { type: 'string' },
    'correlation-id': { type: 'string' },
    count: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = values.count === undefined ? undefined : Number(values.count);
if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
  console.error(`--count must be a positive integer\n\n${USAGE}`);
  process.exit(1);
}
if (values.local) {
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ??= `http://127.0.0.1:${process.env.EVENTS_PORT ?? 4571}`;
  process.env.AWS_ENDPOINT_URL_SQS ??= `http://127.0.0.1:${process.env.SQS_PORT ?? 4572}`;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= 'us-east-1';
}

const busName = values.bus ?? process.env.EVENT_BUS_NAME ?? EVENT_BUS_NAME;
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort());
const events = new EventBridgeClient({});
const sqs = new SQSClient({});
try {
  const seen = await tailEvents({
    events,
    sqs,
    busName,
    ...(values.type
      ? {
          types: values.type
            .split(',')
            .map((type) => type.trim())
            .filter(Boolean),
        }
      : {}),
    ...(values['correlation-id'] ? { correlationId: values['correlation-id'] } : {}),
    ...(count ? { count } : {}),
    signal: abort.signal,
    onReady: ({ rule }) => console.error(`tailing bus ${busName} through rule ${rule} (Ctrl-C stops and removes it)`),
    onEvent: (event) => console.log(values.json ? JSON.stringify(event) : formatTailed(event)),
  });
  console.error(`${seen} event(s); temporary rule and queue removed`);
} catch (error) {
  console.error(`events:tail: ${(error as Error).name}: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  events.destroy();
  sqs.destroy();
}
