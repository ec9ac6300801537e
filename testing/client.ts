/**
 * connectTestClient(): the runtime's connect() with test-friendly defaults: a unique client id, fast
 * reconnect, short connect timeout, health and heartbeat off, a silent logger. Connects with MQTT 3.1.1
 * (MQTT.js's default protocol version, which the runtime keeps), so it works with the embedded aedes broker.
 */
import { connect, newEnvelopeId, silentLogger, type BusClient, type ConnectOptions } from '@tars-contracts/runtime';
import type { TestBroker } from './broker.js';

export type TestClientOptions = Omit<ConnectOptions, 'url'>;

const open = new Set<BusClient>();

export async function connectTestClient(urlOrBroker: string | { url: string } | TestBroker, options: TestClientOptions = {}): Promise<BusClient> {
  const url = typeof urlOrBroker === 'string' ? urlOrBroker : urlOrBroker.url;
  const client = await connect({
    clientId: `test-${newEnvelopeId().slice(0, 10)}`,
    enableHealth: false,
    enableHeartbeat: false,
    reconnectMinDelay: 0.05,
    reconnectMaxDelay: 0.5,
    connectTimeoutMs: 5000,
    drainTimeoutMs: 1000,
    logger: silentLogger,
    ...options,
    url,
  });
  open.add(client);
  void client.closed().finally(() => open.delete(client));
  return client;
}

/** Close every client connectTestClient() opened and that is still open (for afterEach/afterAll). */
export async function closeTestClients(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.allSettled(all.map((c) => c.close({ timeoutMs: 1000 })));
}
