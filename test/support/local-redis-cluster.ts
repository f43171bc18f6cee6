import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);

/** Whether `redis-server` and `redis-cli` are on PATH (the cluster is started from them). */
const missing = ['redis-server', 'redis-cli'].filter((tool) => spawnSync(tool, ['--version']).status !== 0);

export interface LocalRedisCluster {
  /** `redis://127.0.0.1:<port>` of the first master: the one endpoint a cluster client is seeded with. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * `describe` for tests that need a Redis Cluster: they start one with startRedisCluster.
 * Without redis-server they are skipped with a message, except under `CI` or `REQUIRE_REDIS=1`,
 * where that is a failing test (the convention of local-redis.ts).
 */
export function describeWithRedisCluster(name: string, body: () => void): void {
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const why = `${missing.join(' and ')} not found on PATH`;
  if (process.env.REQUIRE_REDIS === '1' || process.env.CI) {
    describe(name, () => {
      it('needs redis-server for a local Redis Cluster', () => {
        throw new Error(`${why}; under CI/REQUIRE_REDIS=1 that is a failure. Install redis-server (7+).`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}. Set REQUIRE_REDIS=1 to make this a failure.`);
  describe.skip(name, body);
}

/**
 * A three-master Redis Cluster on 127.0.0.1 (no replicas, no persistence, config in a temp
 * directory), ready (`cluster_state:ok` on every node) when this resolves. Each node also
 * needs its bus port, `port + 10000`, free.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'redis-cluster-'));
  const ports = await freePorts(masters);
  const servers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => stopServer(server)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      const server = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          path.join(dir, `nodes-${port}.conf`),
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--cluster-node-timeout',
          '2000',
        ],
        { stdio: 'ignore' },
      );
      servers.push(server);
    }
    await Promise.all(ports.map((port) => until(() => cli(port, 'PING').then((reply) => reply === 'PONG'), `node ${port} answering`)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 15_000,
    });
    await Promise.all(
      ports.map((port) => until(() => cli(port, 'CLUSTER', 'INFO').then((info) => info.includes('cluster_state:ok')), `node ${port} cluster_state:ok`)),
    );
    return { url: `redis://127.0.0.1:${ports[0]}`, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 2_000 });
    return stdout.trim();
  } catch {
    return '';
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Redis Cluster: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
}

/** Ports whose cluster bus port (+10000) is free too. */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (port + 10_000 > 65_535 || ports.includes(port)) continue;
    if (await isFree(port + 10_000)) ports.push(port);
  }
  return ports;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
