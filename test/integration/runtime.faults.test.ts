/**
 * Faults on a real Mosquitto: data that validates but cannot be serialised, the bounded offline queue (QoS 0 not
 * queued unless asked, bounds in messages and bytes, expiry), one meaning of `timeoutMs: 0`, and deadlines and
 * abort that work while the client is offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  llmRequestChannel, llmResponseChannel, llmStreamChannel, openStream, request, sttPartialChannel, type LLMRequest,
} from 'tars-contracts';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { readingQ0, readingQ1, runId } from './support/descriptors.js';
import { ClientPool, codeOf, rejectionOf } from './support/sdk.js';
import { rawClient, sleep, waitFor, within, type RawObserver } from './support/util.js';

let broker: BrokerHandle;
const pool = new ClientPool();
const raws: RawObserver[] = [];

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  await pool.closeAll();
  await Promise.all(raws.map((r) => r.end()));
  await broker?.dispose();
});

async function raw(): Promise<RawObserver> {
  const r = await rawClient(broker.url);
  raws.push(r);
  return r;
}

describe('faults - data that passes the schema but cannot be serialised', () => {
  it.each([
    ['a BigInt', () => ({ big: 10n }), '/params/big'],
    ['a circular object', () => {
      const o: Record<string, unknown> = { a: 1 };
      o.self = o;
      return o;
    }, '/params/self'],
  ])('%s in a free-form field: a typed rejection naming the topic and path; the client stays usable', async (_n, params, path) => {
    const { client } = await pool.connect({ url: broker.url, clientId: `ser-${runId()}` });
    const obs = await raw();
    await obs.subscribe('llm/request', 1);
    const data = { id: 'r1', text: 'hi', params: params() } as unknown as LLMRequest;
    let sync: unknown;
    let p: Promise<unknown> | undefined;
    try {
      p = client.publish(llmRequestChannel, data);
    } catch (err) {
      sync = err;
    }
    expect(sync).toBeUndefined();
    const err = await rejectionOf(p!);
    expect(codeOf(err)).toBe('SERIALIZATION_FAILED');
    expect(err.name).toBe('SerializationError');
    expect(err.message).toContain('llm/request');
    expect((err as unknown as { path: string }).path).toBe(path);
    // usable afterwards
    await client.publish(llmRequestChannel, { id: 'r2', text: 'ok' });
    await waitFor(() => obs.messages.length === 1, 'the next publish');
    expect((obs.messages[0]!.json() as { data: { id: string } }).data.id).toBe('r2');
  });
});

describe('faults - the offline queue', () => {
  it('QoS 0 is not queued while offline (NotConnectedError) unless queueQoS0; QoS 1 is, up to maxMessages and maxBytes', async () => {
    const b = await startBroker();
    try {
      const run = runId();
      const { client, statuses } = await pool.connect({ url: b.url, clientId: `oq-${run}`, offlineQueue: { maxMessages: 5, maxBytes: 100_000 } });
      const obs = await rawClient(b.url, { reconnectPeriod: 50 });
      raws.push(obs);
      await obs.subscribe(`itest/${run}/#`, 1);
      await b.stop();
      await waitFor(() => statuses.some((s) => s.type === 'reconnecting'), 'offline');

      const q0 = await rejectionOf(client.publish(readingQ0, { n: 0 }, { params: { run } }));
      expect(codeOf(q0)).toBe('NOT_CONNECTED');
      const queued = Array.from({ length: 5 }, (_, i) => client.publish(readingQ1, { n: i }, { params: { run } }));
      const full = await rejectionOf(client.publish(readingQ1, { n: 99 }, { params: { run } }));
      expect(codeOf(full)).toBe('OFFLINE_QUEUE_FULL');
      expect(full.message).toMatch(/5 messages/);

      await b.start();
      await within(Promise.all(queued), 15_000, 'queued publishes after the reconnect');
      await waitFor(() => obs.messages.length >= 5, 'queued messages at the observer', 15_000);
      await sleep(200);
      expect(obs.messages.map((m) => (m.json() as { data: { n: number } }).data.n)).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await b.dispose();
    }
  });

  it('the byte bound counts payload bytes; queueQoS0 queues QoS 0 too', async () => {
    const b = await startBroker();
    try {
      const run = runId();
      const { client, statuses } = await pool.connect({ url: b.url, clientId: `oqb-${run}`, offlineQueue: { maxMessages: 1000, maxBytes: 700, qos0: true } });
      await b.stop();
      await waitFor(() => statuses.some((s) => s.type === 'reconnecting'), 'offline');
      const text = 'x'.repeat(200);
      const a = client.publish(readingQ0, { n: 1, text }, { params: { run } });
      const c = client.publish(readingQ1, { n: 2, text }, { params: { run } });
      const over = await rejectionOf(client.publish(readingQ1, { n: 3, text }, { params: { run } }));
      expect(codeOf(over)).toBe('OFFLINE_QUEUE_FULL');
      expect(over.message).toMatch(/bytes/);
      await b.start();
      await within(Promise.all([a, c]), 15_000, 'both queued publishes');
    } finally {
      await b.dispose();
    }
  });

  it('entries expire after publishTimeoutMs with a typed error, many at once', async () => {
    const b = await startBroker();
    try {
      const run = runId();
      const { client, statuses } = await pool.connect({ url: b.url, clientId: `oqe-${run}`, publishTimeoutMs: 300, publishRetries: 0 });
      await b.stop();
      await waitFor(() => statuses.some((s) => s.type === 'reconnecting'), 'offline');
      const results = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => client.publish(readingQ1, { n: i }, { params: { run } })));
      expect(results.every((r) => r.status === 'rejected' && codeOf(r.reason) === 'PUBLISH_FAILED')).toBe(true);
      expect(String((results[0] as PromiseRejectedResult).reason.message)).toMatch(/not connected within 300 ms/);
    } finally {
      await b.dispose();
    }
  });
});

describe('faults - timeouts and abort', () => {
  it('request({ timeoutMs: 0 }) means no timeout, as for streams and publishTimeoutMs', async () => {
    const { client: responder } = await pool.connect({ url: broker.url, clientId: `tr-${runId()}` });
    await responder.subscribe(llmRequestChannel, async (req) => {
      await sleep(150);
      await responder.publish(llmResponseChannel, { id: req.id, reply: 'late', error: null, provider: 't', model: 't', tokens: null });
    });
    const { client } = await pool.connect({ url: broker.url, clientId: `tq-${runId()}` });
    const reply = await request(client, llmRequestChannel, llmResponseChannel, { id: `z-${runId()}`, text: 'x' }, { timeoutMs: 0 });
    expect(reply.data.reply).toBe('late');
  });

  it('subscribe() while offline honours its signal and its timeoutMs; openStream() honours its signal', async () => {
    const b = await startBroker();
    try {
      const { client, statuses } = await pool.connect({ url: b.url, clientId: `so-${runId()}` });
      await b.stop();
      await waitFor(() => statuses.some((s) => s.type === 'reconnecting'), 'offline');

      const ac = new AbortController();
      const sub = client.subscribe(sttPartialChannel, () => {}, { signal: ac.signal });
      setTimeout(() => ac.abort(new Error('gave up')), 50);
      const aborted = await within(rejectionOf(sub), 2_000, 'subscribe to reject on abort while offline');
      expect(aborted.name).toBe('AbortError');

      const timed = await within(rejectionOf(client.subscribe(sttPartialChannel, () => {}, { timeoutMs: 100 })), 2_000, 'subscribe timeout');
      expect(codeOf(timed)).toBe('SUBSCRIBE_TIMEOUT');

      const ac2 = new AbortController();
      const stream = openStream(client, llmStreamChannel, 'c1', { until: () => false, signal: ac2.signal });
      setTimeout(() => ac2.abort(), 50);
      const streamErr = await within(rejectionOf(stream), 2_000, 'openStream to reject on abort while offline');
      expect(streamErr.name).toBe('AbortError');

      // after the reconnect, the aborted subscriptions are not made behind the caller's back
      await b.start();
      await waitFor(() => client.connected, 'reconnected', 15_000);
      const obs = await rawClient(b.url);
      raws.push(obs);
      let got = 0;
      await client.subscribe(sttPartialChannel, () => void got++);
      await obs.publish('stt/partial', JSON.stringify({ id: 'p', type: 'stt.partial', ts: 1, source: 'x', data: sttPartialChannel.examples![0] }), { qos: 0 });
      await waitFor(() => got === 1, 'one delivery, to the live subscription only');
      await sleep(100);
      expect(got).toBe(1);
    } finally {
      await b.dispose();
    }
  });
});
