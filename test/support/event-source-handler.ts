/**
 * A tiny Lambda for event source tests, bundled by esbuild and loaded by the LambdaInvoker
 * like any function. Each record says what to do: an SQS body or a stream NewImage/OldImage
 * `action` of `ok`, `fail` / `fail-once` (reported in batchItemFailures) or `throw` /
 * `throw-once` (the whole invocation fails). Events are recorded on globalThis, which the
 * test shares with the bundle (same process).
 */
interface AnyRecord {
  eventSourceARN?: string;
  messageId?: string;
  body?: string;
  dynamodb?: {
    SequenceNumber?: string;
    NewImage?: Record<string, { S?: string }>;
    OldImage?: Record<string, { S?: string }>;
    Keys?: Record<string, { S?: string }>;
  };
}

interface State {
  events: unknown[];
  seen: Map<string, number>;
}
const holder = globalThis as { __eventSourceTest?: State };
const state: State = (holder.__eventSourceTest ??= { events: [], seen: new Map() });

export async function handler(event: { Records: AnyRecord[] }) {
  state.events.push(structuredClone(event));
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const { action, id, key } = instruction(record);
    const count = (state.seen.get(key) ?? 0) + 1;
    state.seen.set(key, count);
    if (action === 'throw' || (action === 'throw-once' && count === 1)) throw new Error(`handler failed on ${key}`);
    if (action === 'fail' || (action === 'fail-once' && count === 1)) batchItemFailures.push({ itemIdentifier: id });
  }
  return { batchItemFailures };
}

function instruction(record: AnyRecord): { action: string; id: string; key: string } {
  if (record.dynamodb) {
    const image = record.dynamodb.NewImage ?? record.dynamodb.OldImage ?? {};
    const sequence = record.dynamodb.SequenceNumber!;
    return { action: image.action?.S ?? 'ok', id: sequence, key: `${record.eventSourceARN}/${sequence}` };
  }
  let action = 'ok';
  try {
    action = (JSON.parse(record.body ?? '{}') as { action?: string }).action ?? 'ok';
  } catch {
    // a plain-text body is processed normally
  }
  return { action, id: record.messageId!, key: record.messageId! };
}
