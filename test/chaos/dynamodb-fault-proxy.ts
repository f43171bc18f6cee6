import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two throttling errors DynamoDB answers with (both retryable, both HTTP 400). */
export type ThrottleCode = 'ProvisionedThroughputExceededException' | 'ThrottlingException';

export interface Throttling {
  /**
   * Share of matching requests answered with the error instead of being forwarded (0–1), spread
   * evenly (every 4th at 0.25), not drawn at random: a run's count of throttled requests is the
   * share of the requests the functions made, never a low draw that leaves a scenario untested.
   */
  fraction: number;
  code: ThrottleCode;
  /** Operations (the `X-Amz-Target` suffix, e.g. `BatchWriteItem`) it applies to. @default every operation */
  operations?: readonly string[];
}

export interface DynamoDbFaultProxy {
  /** What the functions get as `DYNAMODB_ENDPOINT`. */
  endpoint: string;
  /** Points the proxy at another DynamoDB Local (a restarted one on a new port). */
  retarget(endpoint: string): void;
  /** Starts (or, with undefined, stops) answering a share of requests with a throttling error. */
  throttle(throttling: Throttling | undefined): void;
  /** Requests forwarded, answered with a throttling error, and dropped because DynamoDB was gone; per operation. */
  stats: { forwarded: number; throttled: number; dropped: number; throttledByOperation: Record<string, number> };
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of DynamoDB Local for the chaos harness: forwards every request as
 * is, drops the client's connection when DynamoDB is gone (what a stopped endpoint looks like
 * to the SDK: ECONNRESET), and on demand answers a share of requests the way a throttled
 * table does — HTTP 400 with the JSON protocol's `__type`, which the SDK retries with backoff.
 */
export async function startDynamoDbFaultProxy(target: string): Promise<DynamoDbFaultProxy> {
  let upstream = new URL(target);
  let throttling: Throttling | undefined;
  // Error diffusion: each matching request adds `fraction`; a whole one throttles that request.
  let owed = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats: DynamoDbFaultProxy['stats'] = { forwarded: 0, throttled: 0, dropped: 0, throttledByOperation: {} };

  const server = http.createServer(function proxyRequest(req, res) {
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const matches = throttling !== undefined && (!throttling.operations || throttling.operations.includes(operation));
    if (matches) owed += throttling!.fraction;
    if (matches && owed >= 1) {
      owed -= 1;
      const code = throttling!.code;
      req.resume();
      req.once('end', () => {
        stats.throttled++;
        stats.throttledByOperation[operation] = (stats.throttledByOperation[operation] ?? 0) + 1;
        const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message: 'Rate of requests exceeds the allowed throughput.' });
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      stats.forwarded++;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      stats.dropped++;
      req.socket.destroy();
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    retarget: (endpoint) => {
      upstream = new URL(endpoint);
      agent.destroy();
    },
    throttle: (next) => {
      throttling = next;
      owed = 0;
    },
    stats,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
