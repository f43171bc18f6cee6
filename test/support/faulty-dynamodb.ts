import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the front does with one request: a DynamoDB error, silence, or DynamoDB Local's answer. */
export type DynamoFault = 'throttle' | 'unavailable' | 'internal' | 'stall' | 'forward';

export interface FaultyDynamo {
  url: string;
  /** Decides each request by its operation (`GetItem`) and its 1-based number since `reset`. */
  plan: (operation: string, n: number) => DynamoFault;
  /** Requests seen per operation since the last reset. */
  seen: Record<string, number>;
  reset(plan?: FaultyDynamo['plan']): void;
  close(): Promise<void>;
}

const ERRORS = {
  throttle: { status: 400, type: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  unavailable: { status: 503, type: 'ServiceUnavailable', message: 'The service is currently unavailable.' },
  internal: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
} as const;

/**
 * An HTTP front for DynamoDB Local that answers chosen requests the way DynamoDB does when it
 * throttles (400 ThrottlingException), is unavailable (503) or fails (500), or never answers —
 * what DynamoDB Local cannot do. Unlike aws-sdk-client-mock, which replaces `send`, the SDK's
 * own middleware (retry strategy, timeouts, circuit breaker) runs for every request.
 */
export async function startFaultyDynamo(upstream: string): Promise<FaultyDynamo> {
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const operation =
        String(req.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      front.seen[operation] = (front.seen[operation] ?? 0) + 1;
      const fault = front.plan(operation, front.seen[operation]);
      if (fault === 'stall') {
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      }
      if (fault !== 'forward') {
        const { status, type, message } = ERRORS[fault];
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${operation}` });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }));
        return;
      }
      const headers = { ...req.headers } as Record<string, string>;
      for (const name of ['host', 'connection', 'content-length', 'transfer-encoding']) delete headers[name];
      void fetch(`${upstream}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
          res.end(body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const front: FaultyDynamo = {
    url: `http://127.0.0.1:${port}`,
    plan: () => 'forward',
    seen: {},
    reset(plan = () => 'forward') {
      front.plan = plan;
      front.seen = {};
      for (const res of stalled) res.destroy();
    },
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return front;
}
