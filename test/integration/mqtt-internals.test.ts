/**
 * Every MQTT.js internal the runtime relies on (runtime/mqtt-internals.ts), checked against the real library and a
 * real Mosquitto. `mqtt` is pinned to an exact version; moving the pin means this file must pass first.
 */
import { createRequire } from 'node:module';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canDeferAcks, deferAck, sendAck, writesImmediately } from '../../runtime/mqtt-internals.js';
import type { MqttTransport } from '../../runtime/transport.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from './support/descriptors.js';
import { sleep, waitFor } from './support/util.js';

let broker: BrokerHandle;
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ stockLimits: true });
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.endAsync(true)));
  await broker?.dispose();
});

async function client(opts: IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 100, connectTimeout: 5_000, ...opts });
  clients.push(c);
  return c;
}

/** Records the acknowledgement packets a client writes. */
function sentAcks(c: MqttClient): { cmd: string; messageId: number }[] {
  const out: { cmd: string; messageId: number }[] = [];
  c.on('packetsend', (p: Packet) => {
    if (p.cmd === 'puback' || p.cmd === 'pubcomp') out.push({ cmd: p.cmd, messageId: (p as { messageId: number }).messageId });
  });
  return out;
}

describe('MQTT.js internals the runtime uses', () => {
  it('is the pinned version', () => {
    const require = createRequire(import.meta.url);
    const pkg = require('../../runtime/package.json') as { dependencies: Record<string, string> };
    const installed = (require('mqtt/package.json') as { version: string }).version;
    expect(pkg.dependencies.mqtt).toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pkg.dependencies.mqtt);
  });

  it('handleMessage(cb(err)) sends no PUBACK yet reads on: later PUBLISHes, SUBACKs, PUBACKs of its own publishes and PINGRESPs still arrive', async () => {
    const topic = `internals/${runId()}`;
    const sub = await client({ keepalive: 1 });
    expect(canDeferAcks(sub as unknown as MqttTransport)).toBe(true);
    const held: IPublishPacket[] = [];
    sub.handleMessage = (packet, callback) => {
      held.push(packet as IPublishPacket);
      deferAck(callback);
    };
    const acks = sentAcks(sub);
    let pingresps = 0;
    sub.on('packetreceive', (p: Packet) => void (p.cmd === 'pingresp' && pingresps++));
    await sub.subscribeAsync(`${topic}/#`, { qos: 1 });
    const pub = await client();
    for (let i = 0; i < 5; i++) await pub.publishAsync(`${topic}/a`, `m${i}`, { qos: 1 });
    await waitFor(() => held.length === 5, 'all five PUBLISHes to be read');
    // its own QoS 1 publish is acknowledged by the broker while five inbound acknowledgements are withheld
    await sub.publishAsync(`${topic}/own`, 'x', { qos: 1 });
    await sub.subscribeAsync(`${topic}/other`, { qos: 1 });
    await waitFor(() => pingresps >= 1, 'a PINGRESP (keepalive 1 s)', 5_000);
    expect(acks).toEqual([]);
  });

  it('sendAck() later sends the PUBACK: the broker then does not redeliver to a resumed session; without it, it does', async () => {
    const topic = `internals/${runId()}`;
    const clientId = `int-${runId()}`;
    const sub = await client({ clientId, clean: false });
    const held: IPublishPacket[] = [];
    sub.handleMessage = (packet, callback) => {
      held.push(packet as IPublishPacket);
      deferAck(callback);
    };
    const acks = sentAcks(sub);
    await sub.subscribeAsync(topic, { qos: 1 });
    const pub = await client();
    for (let i = 0; i < 4; i++) await pub.publishAsync(topic, `m${i}`, { qos: 1 });
    await waitFor(() => held.length === 4, 'four PUBLISHes');
    // acknowledge m0 and m2 out of order, leave m1 and m3 unacknowledged
    sendAck(sub as unknown as MqttTransport, held[2]!);
    sendAck(sub as unknown as MqttTransport, held[0]!);
    await waitFor(() => acks.length === 2, 'two PUBACKs written');
    expect(acks.map((a) => a.messageId)).toEqual([held[2]!.messageId, held[0]!.messageId]);
    await sleep(100);
    await sub.endAsync(true);
    const back: string[] = [];
    const again = mqtt.connect(broker.url, { clientId, clean: false, reconnectPeriod: 0 });
    clients.push(again);
    again.on('message', (_t, p) => back.push(p.toString()));
    await waitFor(() => back.length >= 2, 'the unacknowledged messages again');
    await sleep(200);
    expect(back.sort()).toEqual(['m1', 'm3']);
  });

  it('QoS 2: deferring the callback skips PUBCOMP; sendAck() completes it and clears MQTT.js\'s inbound QoS 2 state', async () => {
    const topic = `internals/${runId()}`;
    const sub = await client();
    const held: IPublishPacket[] = [];
    sub.handleMessage = (packet, callback) => {
      held.push(packet as IPublishPacket);
      deferAck(callback);
    };
    const acks = sentAcks(sub);
    await sub.subscribeAsync(topic, { qos: 2 });
    const pub = await client();
    const done = pub.publishAsync(topic, 'q2', { qos: 2 });
    await waitFor(() => held.length === 1, 'the QoS 2 message');
    await sleep(50);
    expect(acks).toEqual([]);
    const priv = sub as unknown as { _incomingQoS2Ids?: Set<number> };
    sendAck(sub as unknown as MqttTransport, held[0]!);
    await done; // the publisher's PUBCOMP arrives only once the subscriber completed
    expect(acks).toEqual([{ cmd: 'pubcomp', messageId: held[0]!.messageId }]);
    if (priv._incomingQoS2Ids !== undefined) expect(priv._incomingQoS2Ids.size).toBe(0);
  });

  it('_storeProcessing / _storeProcessingQueue: a QoS 0 write is direct only when MQTT.js is not replaying its store', async () => {
    const c = await client();
    const t = c as unknown as MqttTransport & { _storeProcessing?: boolean; _storeProcessingQueue?: unknown[] };
    expect(typeof t._storeProcessing).toBe('boolean');
    expect(Array.isArray(t._storeProcessingQueue)).toBe(true);
    expect(writesImmediately(t)).toBe(true);
    t._storeProcessing = true;
    expect(writesImmediately(t)).toBe(false);
    t._storeProcessing = false;
    c.stream.destroy();
    await waitFor(() => !c.connected, 'disconnected');
    expect(writesImmediately(t)).toBe(false);
  });

  it('a PUBACK written while disconnected would be queued by MQTT.js for the next connection (so the runtime checks first)', async () => {
    const c = await client({ reconnectPeriod: 0 });
    const t = c as unknown as { queue: unknown[]; _sendPacket(p: object, cb?: () => void): void };
    c.stream.destroy();
    await waitFor(() => !c.connected, 'disconnected');
    const before = t.queue.length;
    t._sendPacket({ cmd: 'puback', messageId: 7 });
    expect(t.queue.length).toBe(before + 1);
  });
});
