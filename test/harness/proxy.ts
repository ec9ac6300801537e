/**
 * A TCP pass-through proxy on a free loopback port, to cut one client's network path to a broker while the
 * broker stays up (a "client away" / partition test).
 *
 *   const proxy = await startProxy(broker.port);   // clients connect to proxy.url instead of broker.url
 *   await proxy.cut();       // destroys every proxied connection and stops listening (clients get ECONNREFUSED)
 *   await proxy.restore();   // listens again on the SAME port
 *   await proxy.close();     // cut for good (idempotent)
 *   proxy.connections        // number of connections accepted so far
 */
import net from 'node:net';
import { freePort } from './mosquitto.js';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  readonly connections: number;
  readonly up: boolean;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let connections = 0;
  let closed = false;

  const listen = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const srv = net.createServer((client) => {
        connections += 1;
        const upstream = net.connect({ host: targetHost, port: targetPort });
        upstream.setNoDelay(true);
        client.setNoDelay(true);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.once('close', () => sockets.delete(s));
          s.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen(port, '127.0.0.1', () => {
            srv.off('error', reject);
            resolve();
          });
        });
        server = srv;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 8) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  };

  const cut = async (): Promise<void> => {
    const srv = server;
    server = undefined;
    for (const s of sockets) s.destroy();
    sockets.clear();
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
  };

  await listen();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get up() {
      return server !== undefined;
    },
    cut,
    async restore() {
      if (closed) throw new Error('proxy closed');
      if (!server) await listen();
    },
    async close() {
      closed = true;
      await cut();
    },
  };
}
