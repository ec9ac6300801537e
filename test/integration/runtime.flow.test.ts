/**
 * Acknowledgements and subscriptions across reconnects, on a real Mosquitto with the real MQTT.js (the cases a
 * fake transport cannot show: MQTT.js's order of events after a CONNACK, its volatile SUBSCRIBE callbacks, its
 * synchronous callback from removeOutgoingMessage).
 */
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type BusClient, type ConnectOptions } from '../../runtime/index.js';
import type { MqttTransport } from '../../runtime/transport.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from './support/descriptors.js';
import { captureLogger, sleep, waitFor, within } from './support/util.js';

let broker: BrokerHandle;
const clients: BusClient[] = [];
const raws: MqttClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ stockLimits: true });
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close({ timeoutMs: 500 })));
  await Promise.allSettled(raws.map((c) => c.endAsync(true)));
  await broker?.dispose();
});

/** An SDK client whose MQTT.js client the test can reach (to cut its socket). */
async function sdk(opts: Partial<ConnectOptions>): Promise<{ client: BusClient; mqtt: () => MqttClient }> {
  let m: MqttClient | undefined;
  const client = await connect({
    url: broker.url, reconnectMinDelay: 0.1, reconnectMaxDelay: 0.2, logger: captureLogger(), ...opts,
    mqttFactory: (o) => (m = mqtt.connect(o)) as unknown as MqttTransport,
  });
  clients.push(client);
  return { client, mqtt: () => m! };
}

async function raw(opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, ...opts });
  raws.push(c);
  return c;
}

/** What a persistent session still has unacknowledged: connect with its id and collect for a while. */
async function leftUnacknowledged(clientId: string): Promise<string[]> {
  const back: string[] = [];
  const c = mqtt.connect(broker.url, { clientId, clean: false, reconnectPeriod: 0 });
  raws.push(c);
  c.on('message', (_t, p) => back.push(p.toString()));
  await sleep(600);
  await c.endAsync(true);
  return back;
}

describe('flow - acknowledgements across a reconnect', () => {
  it("ack 'handled', persistent session: messages redelivered before MQTT.js's 'connect' event are acknowledged on the new connection", async () => {
    const id = `flow-leak-${runId()}`;
    const topic = `flow/${id}`;
    const { client, mqtt: m } = await sdk({ clientId: id, clean: false });
    const handled: string[] = [];
    await client.subscribeRaw(topic, async (p) => {
      await sleep(100);
      handled.push(p.toString());
    }, { qos: 1, ack: 'handled' });
    // own QoS 1 publishes in flight at the cut: MQTT.js replays them before it emits 'connect'
    for (let i = 0; i < 3; i++) void client.publishRaw(`flow/${id}/out`, `o${i}`, { qos: 1 }).catch(() => undefined);
    m().stream.destroy();
    const pub = await raw();
    for (let i = 0; i < 5; i++) await pub.publishAsync(topic, `m${i}`, { qos: 1 });
    await waitFor(() => handled.length >= 5, 'all five handled', 10_000);
    await sleep(200);
    await client.close();
    expect(await leftUnacknowledged(id)).toEqual([]);
  });

  it("ack 'handled', persistent session, no dedupe: messages not started when the connection drops are left to the redelivery, each handled once", async () => {
    const id = `flow-once-${runId()}`;
    const topic = `flow/${id}`;
    const { client, mqtt: m } = await sdk({ clientId: id, clean: false });
    const handled = new Map<string, number>();
    await client.subscribeRaw(topic, async (p) => {
      await sleep(30);
      handled.set(p.toString(), (handled.get(p.toString()) ?? 0) + 1);
    }, { qos: 1, ack: 'handled' });
    const pub = await raw();
    for (let i = 0; i < 20; i++) await pub.publishAsync(topic, `m${i}`, { qos: 1 });
    await waitFor(() => handled.size >= 3, 'a few handled');
    m().stream.destroy();
    await waitFor(() => handled.size === 20, 'all twenty handled', 15_000);
    await sleep(300);
    // the one running at the cut is handled and then redelivered (at-least-once); the queued ones only once
    const twice = [...handled].filter(([, n]) => n > 1).map(([k]) => k);
    expect(twice.length).toBeLessThanOrEqual(1);
    await client.close();
    expect(await leftUnacknowledged(id)).toEqual([]);
  });

  it('a subscribe() made right after a reconnect, while the client resubscribes, completes and receives', async () => {
    const id = `flow-resub-${runId()}`;
    const { client, mqtt: m } = await sdk({ clientId: id });
    await client.subscribeRaw(`flow/${id}/a`, () => {}, { qos: 1 });
    const got: string[] = [];
    let late: Promise<unknown> | undefined;
    client.on('status', (s) => {
      if (s.type === 'connected' && s.reconnect) setImmediate(() => (late = client.subscribeRaw(`flow/${id}/b`, (p) => void got.push(p.toString()), { qos: 1 })));
    });
    m().stream.destroy();
    await waitFor(() => late !== undefined, 'the reconnect', 10_000);
    await within(late!, 5_000, 'the late subscribe');
    const pub = await raw();
    await pub.publishAsync(`flow/${id}/b`, 'hello', { qos: 1 });
    await waitFor(() => got.length === 1, 'the message on the late subscription');
  });

  it('unsubscribe() while offline is sent at the reconnect: a persistent session gets nothing more on that topic', async () => {
    const id = `flow-unsub-${runId()}`;
    const topic = `flow/${id}`;
    const { client, mqtt: m } = await sdk({ clientId: id, clean: false, sessionHoldMs: 200 });
    const sub = await client.subscribeRaw(topic, () => {}, { qos: 1 });
    let reconnected = false;
    client.on('status', (s) => void (s.type === 'connected' && (reconnected = true)));
    m().stream.destroy();
    await sub.unsubscribe();
    await waitFor(() => reconnected && client.connected, 'the reconnect', 10_000);
    await sleep(200);
    const received = client.stats().received;
    const pub = await raw();
    for (let i = 0; i < 3; i++) await pub.publishAsync(topic, `x${i}`, { qos: 1 });
    await sleep(400);
    expect(client.stats().received - received).toBe(0);
  });

  it('a SUBSCRIBE whose connection closes before the SUBACK is sent again after the reconnect (no raw MQTT.js error)', async () => {
    const id = `flow-subcut-${runId()}`;
    const { client, mqtt: m } = await sdk({ clientId: id });
    const got: string[] = [];
    const pending = client.subscribeRaw(`flow/${id}`, (p) => void got.push(p.toString()), { qos: 1 });
    m().stream.destroy(); // the SUBSCRIBE is written, its SUBACK cannot arrive on this socket
    await within(pending, 10_000, 'the subscribe to complete after the reconnect');
    const pub = await raw();
    await pub.publishAsync(`flow/${id}`, 'after', { qos: 1 });
    await waitFor(() => got.length === 1, 'the message');
  });
});

describe('flow - publish timeouts', () => {
  it('a QoS 1 publish without PUBACK is sent once per attempt (publishRetries 1 → 2 copies), fails once, logs once', async () => {
    const seen: number[] = [];
    const server = net.createServer((sock) => {
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (pk: mqttPacket.Packet) => {
        if (pk.cmd === 'connect') sock.write(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
        else if (pk.cmd === 'publish') seen.push(pk.messageId ?? -1); // never acknowledged
        else if (pk.cmd === 'pingreq') sock.write(mqttPacket.generate({ cmd: 'pingresp' }));
      });
      sock.on('data', (d) => parser.parse(d));
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const logger = captureLogger();
    const client = await connect({ url: `mqtt://127.0.0.1:${port}`, clientId: `flow-retry-${runId()}`, publishTimeoutMs: 200, publishRetries: 1, publishRetryDelayMs: 20, logger });
    try {
      const err = await client.publishRaw('flow/x', 'one', { qos: 1 }).then(() => null, (e: Error) => e);
      expect(err).toMatchObject({ code: 'PUBLISH_FAILED', attempts: 2 });
      await sleep(400);
      expect(seen).toHaveLength(2);
      expect(logger.lines.filter((l) => l.endsWith(' publish failed')).length).toBe(1);
      expect(logger.lines.filter((l) => l.includes('publish failed, retrying')).length).toBe(1);
    } finally {
      await client.close({ timeoutMs: 100 });
      server.close();
    }
  });
});
