/**
 * Publish/subscribe through a real Mosquitto: QoS 0/1/2, retain, bare framing, outbound validation,
 * unsubscribe. A raw MQTT.js client checks what is on the wire (QoS, retain flag, payload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, MessageMeta } from '../../runtime/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import {
  READING_TYPE, readingBare, readingQ0, readingQ1, readingQ2, readingRetained, runId, type Reading,
} from './support/descriptors.js';
import { ClientPool, codeOf, rejectionOf } from './support/sdk.js';
import { rawClient, sleep, waitFor, type RawObserver } from './support/util.js';

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

describe('publish / subscribe against Mosquitto', () => {
  it('SDK publishes at the channel QoS 0/1/2, enveloped; a raw subscriber sees that QoS and no retain flag', async () => {
    const run = runId();
    const obs = await raw();
    await obs.subscribe(`itest/${run}/+`, 2);
    const { client } = await pool.connect({ url: broker.url, clientId: `pub-${run}`, sourceName: 'itest-publisher' });

    const ids: Record<string, string | undefined> = {};
    for (const [i, ch] of [readingQ0, readingQ1, readingQ2].entries()) {
      ids[ch.id] = await client.publish(ch, { n: i, text: `qos${ch.qos}` }, { params: { run } });
    }
    await waitFor(() => obs.messages.length >= 3, '3 messages at the raw subscriber');
    await sleep(100); // nothing else should arrive

    expect(obs.messages).toHaveLength(3);
    for (const [i, ch] of [readingQ0, readingQ1, readingQ2].entries()) {
      const topic = `itest/${run}/q${ch.qos}`;
      const got = obs.on(topic);
      expect(got, topic).toHaveLength(1);
      const m = got[0]!;
      expect(m.qos).toBe(ch.qos);
      expect(m.retain).toBe(false);
      const env = m.json() as Envelope<Reading>;
      expect(Object.keys(env).sort()).toEqual(['data', 'id', 'source', 'ts', 'type']);
      expect(env.type).toBe(READING_TYPE);
      expect(env.source).toBe('itest-publisher');
      expect(env.data).toEqual({ n: i, text: `qos${ch.qos}` });
      expect(env.id).toMatch(/^[0-9a-f]{32}$/);
      expect(env.id).toBe(ids[ch.id]);
      expect(typeof env.ts).toBe('number');
      expect(Math.abs(env.ts - Date.now() / 1000)).toBeLessThan(600); // seconds, not milliseconds
    }
    expect(client.stats().published).toBeGreaterThanOrEqual(3);
    // not retained at the broker (a live subscriber cannot tell: MQTT 3.1.1 clears the flag on live delivery)
    const late = await raw();
    await late.subscribe(`itest/${run}/+`, 2);
    await sleep(150);
    expect(late.messages).toHaveLength(0);
  });

  it('SDK subscriber receives raw-published envelopes at QoS 0/1/2 with topic, params, qos and retain in meta', async () => {
    const run = runId();
    const { client } = await pool.connect({ url: broker.url, clientId: `sub-${run}` });
    const got: { data: Reading; env: Envelope<Reading> | null; meta: MessageMeta<'run'> }[] = [];
    for (const ch of [readingQ0, readingQ1, readingQ2]) {
      const sub = await client.subscribe(ch, (data, env, meta) => {
        got.push({ data, env, meta });
      }, { params: { run } });
      expect(sub.filter).toBe(`itest/${run}/q${ch.qos}`);
    }
    const pub = await raw();
    for (const ch of [readingQ0, readingQ1, readingQ2]) {
      const env = { id: `id-q${ch.qos}`, type: READING_TYPE, ts: Date.now() / 1000, source: 'raw', data: { n: ch.qos } };
      await pub.publish(`itest/${run}/q${ch.qos}`, JSON.stringify(env), { qos: ch.qos });
    }
    await waitFor(() => got.length >= 3, '3 deliveries to SDK handlers');
    await sleep(100);
    expect(got).toHaveLength(3);
    for (const ch of [readingQ0, readingQ1, readingQ2]) {
      const g = got.find((x) => x.meta.channel === ch.id);
      expect(g, ch.id).toBeDefined();
      expect(g!.data).toEqual({ n: ch.qos });
      expect(g!.env?.id).toBe(`id-q${ch.qos}`);
      expect(g!.env?.source).toBe('raw');
      expect(g!.meta.topic).toBe(`itest/${run}/q${ch.qos}`);
      expect(g!.meta.params).toEqual({ run });
      expect(g!.meta.qos).toBe(ch.qos);
      expect(g!.meta.retain).toBe(false);
    }
    expect(client.stats().received).toBeGreaterThanOrEqual(3);
  });

  it('SDK to SDK round trip; default params subscribe with a + wildcard', async () => {
    const run = runId();
    const { client: sub } = await pool.connect({ url: broker.url, clientId: `rt-sub-${run}` });
    const { client: pub } = await pool.connect({ url: broker.url, clientId: `rt-pub-${run}` });
    const seen: { n: number; params: Record<string, string> }[] = [];
    const s = await sub.subscribe(readingQ1, (data, _env, meta) => {
      if (meta.params.run === run) seen.push({ n: data.n, params: meta.params });
    });
    expect(s.filter).toBe('itest/+/q1');
    for (let n = 0; n < 20; n++) await pub.publish(readingQ1, { n }, { params: { run } });
    await waitFor(() => seen.length >= 20, '20 SDK round trips');
    expect(seen.map((x) => x.n)).toEqual([...Array(20).keys()]); // one publisher, QoS 1: in order
    expect(seen[0]!.params).toEqual({ run });
  });

  it('retained: a late raw subscriber and a late SDK subscriber get the retained message with retain=true', async () => {
    const run = runId();
    const { client: pub } = await pool.connect({ url: broker.url, clientId: `ret-pub-${run}` });
    const id = await pub.publish(readingRetained, { n: 42, text: 'kept' }, { params: { run } });
    // Live subscriber at publish time would see retain=false; a LATE one must see the retained copy.
    const late = await raw();
    await late.subscribe(`itest/${run}/retained`, 1);
    await waitFor(() => late.messages.length >= 1, 'retained message at the late raw subscriber');
    const m = late.messages[0]!;
    expect(m.retain).toBe(true);
    expect(m.qos).toBe(1);
    expect((m.json() as Envelope).id).toBe(id);

    const { client: sdkLate } = await pool.connect({ url: broker.url, clientId: `ret-sub-${run}` });
    const got: { data: Reading; meta: MessageMeta<'run'> }[] = [];
    await sdkLate.subscribe(readingRetained, (data, _e, meta) => {
      got.push({ data, meta });
    }, { params: { run } });
    await waitFor(() => got.length >= 1, 'retained message at the late SDK subscriber');
    expect(got[0]!.data).toEqual({ n: 42, text: 'kept' });
    expect(got[0]!.meta.retain).toBe(true);

    // clear the retained message
    await pub.publishRaw(`itest/${run}/retained`, '', { qos: 1, retain: true });
    const after = await raw();
    await after.subscribe(`itest/${run}/retained`, 1);
    await sleep(150);
    expect(after.messages).toHaveLength(0);
  });

  it('bare channel: the payload is the model itself and the handler gets envelope=null', async () => {
    const run = runId();
    const obs = await raw();
    await obs.subscribe(`itest/${run}/bare`, 1);
    const { client } = await pool.connect({ url: broker.url, clientId: `bare-${run}` });
    const got: { data: Reading; env: unknown }[] = [];
    await client.subscribe(readingBare, (data, env) => {
      got.push({ data, env });
    }, { params: { run } });
    const ret = await client.publish(readingBare, { n: 5 }, { params: { run } });
    expect(ret).toBeUndefined();
    await waitFor(() => obs.messages.length >= 1 && got.length >= 1, 'bare message at both subscribers');
    expect(obs.messages[0]!.json()).toEqual({ n: 5 });
    expect(obs.messages[0]!.qos).toBe(1);
    expect(got[0]).toEqual({ data: { n: 5 }, env: null });
  });

  it('an invalid outbound payload is rejected with VALIDATION_FAILED and never reaches the wire', async () => {
    const run = runId();
    const obs = await raw();
    await obs.subscribe(`itest/${run}/q1`, 1);
    const { client } = await pool.connect({ url: broker.url, clientId: `val-${run}` });
    const err = await rejectionOf(client.publish(readingQ1, { n: -1 }, { params: { run } }));
    expect(codeOf(err)).toBe('VALIDATION_FAILED');
    const err2 = await rejectionOf(client.publish(readingQ1, { n: 1, extra: true } as unknown as Reading, { params: { run } }));
    expect(codeOf(err2)).toBe('VALIDATION_FAILED');
    await client.publish(readingQ1, { n: 2 }, { params: { run } }); // sentinel: same connection, same QoS → after
    await waitFor(() => obs.messages.length >= 1, 'sentinel');
    await sleep(50);
    expect(obs.messages.map((m) => (m.json() as Envelope<Reading>).data.n)).toEqual([2]);
  });

  it('unsubscribe stops deliveries to that handler; another subscription on the same client keeps working', async () => {
    const run = runId();
    const { client } = await pool.connect({ url: broker.url, clientId: `unsub-${run}` });
    const a: number[] = [];
    const b: number[] = [];
    const subA = await client.subscribe(readingQ1, (d) => {
      a.push(d.n);
    }, { params: { run } });
    await client.subscribe(readingQ1, (d) => {
      b.push(d.n);
    }, { params: { run } });
    const pub = await raw();
    const send = (n: number) => pub.publish(`itest/${run}/q1`, JSON.stringify({ id: `u${n}`, type: READING_TYPE, data: { n } }), { qos: 1 });
    await send(1);
    await waitFor(() => a.length >= 1 && b.length >= 1, 'first message at both handlers');
    await subA.unsubscribe();
    await send(2);
    await waitFor(() => b.length >= 2, 'second message at the remaining handler');
    await sleep(50);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });
});
