import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_BUS_NAME } from '../../../events/put-events-entry.js';
import { eventRules, type EventRule } from '../../../events/rules.js';
import { compileEventPattern, type CompiledPattern } from './compile-event-pattern.js';
import { EventBusApiError, resourceNotFound, validationError } from './event-bus-api-error.js';
import { InvalidEventPatternError } from './invalid-event-pattern-error.js';
import { matchesCompiled } from './pattern-matcher.js';
import { checkPutEventsRequest, type DeliveredEvent, type EntryResult, MAX_ENTRIES_BYTES, toDeliveredEvent } from './put-events.js';

/** Where a rule sends what it matched: the consumer's queue. */
export interface RuleTarget {
  rule: string;
  queue: string;
  /** `arn:aws:sqs:<region>:<account>:<queue>`, as ListTargetsByRule reports it. */
  arn: string;
}

/** Hands one matched event to one target (the local SQS plugs its queues in here). */
export type Deliver = (target: RuleTarget, event: DeliveredEvent) => Promise<void>;

export interface LocalEventBusOptions {
  /** @default EVENTS_PORT or 4571; 0 picks a free port */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** @default the declarations in events/rules.ts */
  rules?: readonly EventRule[];
  /** @default records-platform */
  busName?: string;
  /** @default AWS_REGION or us-east-1 */
  region?: string;
  /** @default 000000000000 */
  account?: string;
  deliver?: Deliver;
  /** Delivery attempts per target before the event is recorded as failed (AWS retries for 24 h). @default 3 */
  deliveryAttempts?: number;
  /** @default 256 KB, the PutEvents limit */
  maxEntriesBytes?: number;
  log?: (line: string) => void;
}

export interface LocalEventBus {
  url: string;
  port: number;
  busName: string;
  busArn: string;
  ruleCount: number;
  /** Replaces the delivery callback (e.g. once the local queues are up). */
  setDeliver(deliver: Deliver): void;
  /** Called with every accepted event and the rules it matched (tailing, tests). */
  onEvent(listener: (event: DeliveredEvent, rules: readonly string[]) => void): () => void;
  /** Deliveries that failed every attempt. */
  readonly failedDeliveries: { target: RuleTarget; event: DeliveredEvent; error: unknown }[];
  /** Resolves when every delivery started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface LoadedRule {
  declaration: EventRule;
  pattern: CompiledPattern;
  /** SQS targets by target id (a declared rule has one: its consumer's queue). */
  targets: Map<string, RuleTarget>;
  arn: string;
  /** Made through PutRule at run time (e.g. by `npm run events:tail`), not declared in events/rules.ts. */
  runtime: boolean;
}

/** The SQS queue an `arn:aws:sqs:<region>:<account>:<name>` target names; the only target kind the local bus delivers to. */
const SQS_ARN = /^arn:aws:sqs:[a-z0-9-]+:\d{12}:([A-Za-z0-9_-]{1,80}(\.fifo)?)$/;
/** EventBridge's rule-name constraint. */
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Request bodies beyond this are refused before parsing (entries are capped at 256 KB anyway). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A local EventBridge: the AWS JSON 1.1 API (`X-Amz-Target: AWSEvents.<Operation>`) for
 * PutEvents, TestEventPattern, ListRules, DescribeRule, ListTargetsByRule, DescribeEventBus
 * and ListEventBuses, one custom bus whose rules come from the declarations CDK deploys, rules
 * added at run time with SQS targets (PutRule, PutTargets, RemoveTargets, DeleteRule: what
 * `npm run events:tail` uses against a deployed bus too), and
 * delivery of matched events, in the shape EventBridge delivers, to `deliver`.
 */
export async function startLocalEventBus(options: LocalEventBusOptions = {}): Promise<LocalEventBus> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const account = options.account ?? '000000000000';
  const busName = options.busName ?? EVENT_BUS_NAME;
  const busArn = `arn:aws:events:${region}:${account}:event-bus/${busName}`;
  const attempts = options.deliveryAttempts ?? 3;
  const log = options.log ?? (() => {});
  const ruleArn = (name: string) => `arn:aws:events:${region}:${account}:rule/${busName}/${name}`;
  const rules: LoadedRule[] = (options.rules ?? eventRules).map((declaration) => ({
    declaration,
    pattern: compileEventPattern(declaration.eventPattern),
    arn: ruleArn(declaration.consumer),
    targets: new Map([
      [declaration.queue, { rule: declaration.consumer, queue: declaration.queue, arn: `arn:aws:sqs:${region}:${account}:${declaration.queue}` }],
    ]),
    runtime: false,
  }));
  let deliver: Deliver | undefined = options.deliver;
  const listeners = new Set<(event: DeliveredEvent, rules: readonly string[]) => void>();
  const pending = new Set<Promise<void>>();
  const failedDeliveries: LocalEventBus['failedDeliveries'] = [];

  function busNamed(nameOrArn: unknown): 'custom' | 'default' {
    if (nameOrArn === undefined || nameOrArn === null || nameOrArn === '' || nameOrArn === 'default') return 'default';
    if (nameOrArn === busName || nameOrArn === busArn) return 'custom';
    throw resourceNotFound(`Event bus ${String(nameOrArn)} does not exist.`);
  }

  async function deliverWithRetries(target: RuleTarget, event: DeliveredEvent): Promise<void> {
    if (!deliver) {
      log(`events: no delivery registered; ${event['detail-type']} ${event.id} for ${target.queue} dropped`);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await deliver(target, event);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          failedDeliveries.push({ target, event, error });
          log(`events: delivery of ${event['detail-type']} ${event.id} to ${target.queue} failed ${attempts}×: ${(error as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  function route(event: DeliveredEvent): void {
    const matched = rules.filter((rule) => matchesCompiled(rule.pattern, event));
    const targets = matched.flatMap((rule) => [...rule.targets.values()]);
    log(`events: ${event['detail-type']} ${event.id} from ${event.source} → ${targets.map((target) => target.queue).join(', ') || '(no rule)'}`);
    for (const listener of listeners)
      listener(
        event,
        matched.map((rule) => rule.declaration.consumer),
      );
    for (const target of targets) {
      const delivery = deliverWithRetries(target, event).finally(() => pending.delete(delivery));
      pending.add(delivery);
    }
  }

  function describeRule(rule: LoadedRule) {
    return {
      Name: rule.declaration.consumer,
      Arn: rule.arn,
      EventPattern: JSON.stringify(rule.declaration.eventPattern),
      State: 'ENABLED',
      Description: rule.declaration.description,
      EventBusName: busName,
    };
  }

  function ruleNamed(name: unknown, bus: unknown): LoadedRule {
    const onCustom = busNamed(bus) === 'custom';
    const rule = onCustom ? rules.find((candidate) => candidate.declaration.consumer === name) : undefined;
    if (!rule) throw resourceNotFound(`Rule ${String(name)} does not exist on EventBus ${onCustom ? busName : 'default'}.`);
    return rule;
  }

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    PutEvents(input) {
      const entries = checkPutEventsRequest(input.Entries, options.maxEntriesBytes ?? MAX_ENTRIES_BYTES);
      const results: EntryResult[] = entries.map((entry) => {
        let bus: 'custom' | 'default';
        try {
          bus = busNamed(entry.EventBusName);
        } catch (error) {
          return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: (error as Error).message };
        }
        const outcome = toDeliveredEvent(entry, { account, region, now: Date.now });
        if ('error' in outcome) return outcome.error;
        if (bus === 'custom') route(outcome.event);
        return { EventId: outcome.event.id };
      });
      return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
    },
    TestEventPattern(input) {
      if (typeof input.EventPattern !== 'string') {
        throw validationError("1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not be null");
      }
      if (typeof input.Event !== 'string')
        throw validationError("1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null");
      const pattern = compileEventPattern(input.EventPattern);
      return { Result: matchesCompiled(pattern, parseTestEvent(input.Event)) };
    },
    ListRules(input) {
      const onCustom = busNamed(input.EventBusName) === 'custom';
      const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
      const matching = (onCustom ? rules : []).filter((rule) => rule.declaration.consumer.startsWith(prefix));
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
      const limit = typeof input.Limit === 'number' && input.Limit > 0 ? input.Limit : 100;
      const page = matching.slice(start, start + limit);
      return { Rules: page.map(describeRule), ...(start + limit < matching.length ? { NextToken: String(start + limit) } : {}) };
    },
    DescribeRule(input) {
      return { ...describeRule(ruleNamed(input.Name, input.EventBusName)), CreatedBy: account };
    },
    ListTargetsByRule(input) {
      const rule = ruleNamed(input.Rule, input.EventBusName);
      return { Targets: [...rule.targets].map(([id, target]) => ({ Id: id, Arn: target.arn })) };
    },
    PutRule(input) {
      if (busNamed(input.EventBusName) !== 'custom') throw validationError(`Only the ${busName} bus takes rules locally.`);
      const name = input.Name;
      if (typeof name !== 'string' || !RULE_NAME.test(name))
        throw validationError(
          `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
        );
      if (typeof input.EventPattern !== 'string') throw validationError('Parameter(s) EventPattern must be specified (the local bus has no schedules).');
      const existing = rules.find((rule) => rule.declaration.consumer === name);
      if (existing && !existing.runtime) throw validationError(`Rule ${name} is declared in events/rules.ts; change it there.`);
      const eventPattern = JSON.parse(input.EventPattern) as EventRule['eventPattern'];
      const pattern = compileEventPattern(input.EventPattern);
      const description = typeof input.Description === 'string' ? input.Description : '';
      const declaration = { consumer: name, queue: '', description, eventTypes: [], eventPattern } as unknown as EventRule;
      if (existing) Object.assign(existing, { declaration, pattern });
      else rules.push({ declaration, pattern, arn: ruleArn(name), targets: new Map(), runtime: true });
      return { RuleArn: ruleArn(name) };
    },
    PutTargets(input) {
      const rule = ruleNamed(input.Rule, input.EventBusName);
      if (!rule.runtime) throw validationError(`Rule ${rule.declaration.consumer} is declared in events/rules.ts; its target is its queue.`);
      const targets = Array.isArray(input.Targets) ? (input.Targets as { Id?: unknown; Arn?: unknown }[]) : [];
      if (targets.length === 0 || targets.length > 10) throw validationError('Targets must hold 1 to 10 targets.');
      const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
      for (const target of targets) {
        const id = String(target.Id ?? '');
        const queue = typeof target.Arn === 'string' ? SQS_ARN.exec(target.Arn)?.[1] : undefined;
        if (!id || !queue) {
          failed.push({ TargetId: id, ErrorCode: 'ValidationException', ErrorMessage: 'The local bus delivers to SQS queue ARNs only.' });
          continue;
        }
        rule.targets.set(id, { rule: rule.declaration.consumer, queue, arn: target.Arn as string });
      }
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },
    RemoveTargets(input) {
      const rule = ruleNamed(input.Rule, input.EventBusName);
      if (!rule.runtime) throw validationError(`Rule ${rule.declaration.consumer} is declared in events/rules.ts; its target stays.`);
      for (const id of Array.isArray(input.Ids) ? input.Ids : []) rule.targets.delete(String(id));
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    DeleteRule(input) {
      const rule = ruleNamed(input.Name, input.EventBusName);
      if (!rule.runtime) throw validationError(`Rule ${rule.declaration.consumer} is declared in events/rules.ts; remove it there.`);
      if (rule.targets.size > 0) throw validationError("Rule can't be deleted since it has targets.");
      rules.splice(rules.indexOf(rule), 1);
      return {};
    },
    DescribeEventBus(input) {
      const bus = busNamed(input.Name);
      return bus === 'custom' ? { Name: busName, Arn: busArn } : { Name: 'default', Arn: `arn:aws:events:${region}:${account}:event-bus/default` };
    },
    ListEventBuses() {
      return { EventBuses: [operations.DescribeEventBus!({ Name: 'default' }), operations.DescribeEventBus!({ Name: busName })] };
    },
  };

  const server = createServer((request, response) => void handle(request, response));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSEvents.') ? operations[target.slice('AWSEvents.'.length)] : undefined;
      const body = await readBody(request);
      if (request.method !== 'POST' || !operation) throw new EventBusApiError('UnknownOperationException', `Unknown operation ${target || '(none)'}`);
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new EventBusApiError('SerializationException', 'Start of structure or map found where not expected.');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw new EventBusApiError('SerializationException', 'Request body must be a JSON object.');
      send(response, 200, requestId, operation(input as Record<string, unknown>));
    } catch (error) {
      const known = error instanceof EventBusApiError || error instanceof InvalidEventPatternError;
      if (!known) log(`events: internal error: ${(error as Error).stack ?? String(error)}`);
      const code = known ? error.name : 'InternalException';
      const status = error instanceof EventBusApiError ? error.status : known ? 400 : 500;
      send(response, status, requestId, { __type: code, message: known ? error.message : 'Internal error.' }, code);
    }
  }

  const port = options.port ?? Number(process.env.EVENTS_PORT ?? 4571);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`${host}:${port} is already in use; set EVENTS_PORT to another port`) : error),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;

  return {
    url,
    port: address.port,
    busName,
    busArn,
    ruleCount: rules.filter((rule) => !rule.runtime).length,
    failedDeliveries,
    setDeliver(next) {
      deliver = next;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** TestEventPattern's event must be JSON with the fields AWS lists as mandatory. */
function parseTestEvent(text: string): unknown {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw validationError(`Parameter Event is not valid. Reason: ${(error as Error).message}`);
  }
  const required = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];
  const missing = typeof event === 'object' && event !== null && !Array.isArray(event) ? required.filter((field) => !(field in event)) : required;
  if (missing.length > 0) throw validationError(`Parameter Event is not valid. Reason: Provided Json must contain the field(s) ${missing.join(', ')}.`);
  return event;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep reading (and discarding) so the error can still be answered on this connection.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      size > MAX_BODY_BYTES ? reject(validationError('Total size of the entries in the request is over the limit.')) : resolve(Buffer.concat(chunks)),
    );
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, requestId: string, body: unknown, errorType?: string): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}
