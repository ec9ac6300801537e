/**
 * A persistent session (clean: false) that comes back with a NEW connect(): the broker sends the QoS 1
 * messages it queued right after CONNACK, before the caller had a chance to subscribe(). The runtime must
 * hold them (unacknowledged) until the subscription that takes them arrives, in order, none lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { readingQ1, runId } from './support/descriptors.js';
import { ClientPool } from './support/sdk.js';
import { waitFor } from './support/util.js';

let broker: BrokerHandle;
const pool = new ClientPool();

beforeAll(async () => {
  broker = await startBroker({ persistence: true });
});
afterAll(async () => {
  await pool.closeAll();
  await broker?.dispose();
});

describe('persistent session across connect() calls', () => {
  it('queued QoS 1 messages wait for the subscribe() after a new connect() and arrive once each, in order', async () => {
    const run = runId();
    const clientId = `sess-${run}`;
    const first = await pool.connect({ url: broker.url, clientId, clean: false });
    await first.client.subscribe(readingQ1, () => {}, { params: { run } });
    await first.client.close();

    const { client: publisher } = await pool.connect({ url: broker.url, clientId: `pub-${run}` });
    for (let n = 0; n < 10; n++) await publisher.publish(readingQ1, { n }, { params: { run } });

    const second = await pool.connect({ url: broker.url, clientId, clean: false });
    // Let the broker deliver the queue before anything subscribes.
    await new Promise((r) => setTimeout(r, 300));
    const seen: number[] = [];
    await second.client.subscribe(readingQ1, (d) => void seen.push(d.n), { params: { run } });
    await waitFor(() => seen.length >= 10, 'the 10 queued messages');
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second.client.stats().dropped).toBe(0);
  });

  it('a queued message that no subscription takes is acknowledged and counted as dropped after sessionHoldMs', async () => {
    const run = runId();
    const clientId = `sess-drop-${run}`;
    const first = await pool.connect({ url: broker.url, clientId, clean: false });
    await first.client.subscribe(readingQ1, () => {}, { params: { run } });
    await first.client.close();
    const { client: publisher } = await pool.connect({ url: broker.url, clientId: `pub2-${run}` });
    await publisher.publish(readingQ1, { n: 1 }, { params: { run } });

    const second = await pool.connect({ url: broker.url, clientId, clean: false, sessionHoldMs: 200 });
    await waitFor(() => second.client.stats().dropped === 1, 'the unclaimed message to be dropped');
    // The connection goes on: a new subscription and a live message still work.
    const seen: number[] = [];
    await second.client.subscribe(readingQ1, (d) => void seen.push(d.n), { params: { run: `${run}-live` } });
    await publisher.publish(readingQ1, { n: 42 }, { params: { run: `${run}-live` } });
    await waitFor(() => seen.length === 1, 'a live message after the drop');
    expect(seen).toEqual([42]);
  });
});
