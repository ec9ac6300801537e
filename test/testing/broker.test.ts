import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../../testing/broker.js';

let brokers: TestBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.map((b) => b.close()));
  brokers = [];
});

describe('startTestBroker()', () => {
  it('listens on a free loopback port and routes messages (MQTT 3.1.1)', async () => {
    const a = await startTestBroker();
    const b = await startTestBroker();
    brokers.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.url).toBe(`mqtt://127.0.0.1:${a.port}`);
    const client = await mqtt.connectAsync(a.url, { protocolVersion: 4, reconnectPeriod: 0 });
    await client.subscribeAsync('x/+', { qos: 1 });
    const got = new Promise<[string, string]>((resolve) => client.once('message', (t, p) => resolve([t, p.toString()])));
    await client.publishAsync('x/y', 'hi', { qos: 1 });
    expect(await got).toEqual(['x/y', 'hi']);
    await client.endAsync();
  });

  it('close() drops connected clients, frees the port and is idempotent', async () => {
    const broker = await startTestBroker();
    const client = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await Promise.all([broker.close(), broker.close()]);
    await closed;
    await client.endAsync(true);
    // The port is free again.
    const again = await startTestBroker({ port: broker.port });
    brokers.push(again);
    expect(again.port).toBe(broker.port);
  });
});
