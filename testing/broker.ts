/**
 * An in-process MQTT broker (aedes) on a free loopback port, for tests and the embedded demo.
 * aedes speaks MQTT 3.1.1 (protocolVersion 4), MQTT.js's default.
 */
import net from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  /** 'mqtt://127.0.0.1:<port>' */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stop accepting, drop every connection, close the broker. Idempotent. */
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  /** Fixed port (default: a free one picked by the OS). */
  port?: number;
  /** Loopback by default. */
  host?: string;
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const host = options.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test broker: no TCP address');
  const port = address.port;
  let closing: Promise<void> | null = null;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    close(): Promise<void> {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await serverClosed;
      })();
      return closing;
    },
  };
}
