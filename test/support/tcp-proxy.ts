import net from 'node:net';

export type ProxyMode = 'forward' | 'stall';

export interface TcpProxy {
  port: number;
  url: string;
  /** `forward` pipes to the target; `stall` accepts connections and never answers (slow Redis). */
  mode: ProxyMode;
  /** Bytes clients have sent through the proxy (in either mode): whether a client asked at all. */
  readonly bytesReceived: number;
  /** Cuts every open connection and refuses new ones, like a Redis that went away. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy in front of the test Redis, to make it disappear or stall on demand. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server;
  let port = 0;
  let bytesReceived = 0;
  const proxy: TcpProxy = {
    port: 0,
    url: '',
    mode: 'forward',
    get bytesReceived() {
      return bytesReceived;
    },
    cut: async () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    restore: () => listen(port),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const listen = (on: number) =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => undefined);
        client.on('data', (chunk: Buffer) => {
          bytesReceived += chunk.length;
        });
        if (proxy.mode === 'stall') return;
        const upstream = net.connect(target.port, target.host);
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        port = (server.address() as net.AddressInfo).port;
        proxy.port = port;
        proxy.url = `redis://127.0.0.1:${port}`;
        resolve();
      });
    });
  await listen(0);
  return proxy;
}
