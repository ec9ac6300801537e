/**
 * The generated typed API (docs/typed-api.md) against a real Mosquitto: every channel of the contract
 * round-trips its contract examples through its generated publishX/subscribeX pair; a second, raw MQTT.js
 * client checks the QoS, the retain flag (stored retained message at a late subscriber) and the framing on the
 * wire. Parameterized channels: concrete and wildcard subscriptions, refused parameter values. clearX.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type BusClient, type Envelope, type MessageMeta } from '../../runtime/index.js';
import { closeTestClients, connectTestClient } from '../../testing/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import {
  allChannels, clearVia, contractExample, contractExamples, expectedNames, hasGenerated, publishVia, subscribeVia,
  type AnyChannel, type Params,
} from './typed-support/contract.js';
import { RawClient, rejectionOf, runId, sdkBarrier, storedRetained, waitFor } from './typed-support/wire.js';

let broker: BrokerHandle;
let pub: BusClient;
let sub: BusClient;
const raws: RawClient[] = [];

beforeAll(async () => {
  broker = await startBroker();
  pub = await connectTestClient(broker.url, { sourceName: 'typed-pub' });
  sub = await connectTestClient(broker.url);
});
afterAll(async () => {
  await closeTestClients();
  await Promise.all(raws.map((r) => r.end()));
  await broker?.dispose();
});

async function raw(): Promise<RawClient> {
  const r = await RawClient.connect(broker.url);
  raws.push(r);
  return r;
}

const ENVELOPE_KEYS = ['data', 'id', 'source', 'ts', 'type'];
const sendsEnvelope = (ch: AnyChannel): boolean => ch.framing.kind === 'envelope' && !ch.framing.publishBare;
const paramsFor = (ch: AnyChannel, value: string): Params | undefined =>
  ch.parameters.length === 0 ? undefined : Object.fromEntries(ch.parameters.map((p) => [p, value]));
const topicOf = (ch: AnyChannel, params: Params | undefined): string => buildTopic(ch.address, params ?? {});

/** Remove a retained message a test left behind (raw, so this cleanup does not depend on clearX). */
async function wipeRetained(topic: string): Promise<void> {
  const r = await raw();
  await r.publish(topic, '', { qos: 1, retain: true });
}

const parameterized = allChannels.filter((c) => c.parameters.length > 0);
const retained = allChannels.filter((c) => c.retain);

describe('typed API: generated functions', () => {
  it('the generated module exports every function docs/typed-api.md promises for each channel', () => {
    const missing = allChannels.flatMap((ch) => expectedNames(ch)).filter((n) => !hasGenerated(n));
    expect(missing, 'generated functions missing').toEqual([]);
  });

  it('the contract has the parameterized, retained and request channels this suite relies on', () => {
    expect(parameterized.map((c) => c.id).sort()).toEqual(['systemHealth', 'systemKeepalive']);
    expect(retained.length).toBeGreaterThan(0);
    for (const ch of allChannels) expect(contractExamples(ch).length, `${ch.id} examples`).toBeGreaterThan(0);
  });
});

describe('typed API: every channel round-trips through publishX / subscribeX on Mosquitto', () => {
  it.each(allChannels.map((c) => [c.id, c] as const))('%s', async (_id, ch) => {
    const run = runId();
    const params = paramsFor(ch, `typed-${run}`);
    const topic = topicOf(ch, params);
    const examples = contractExamples(ch);

    const got: { data: unknown; envelope: Envelope<unknown> | null; meta: MessageMeta<string> }[] = [];
    const subscription = await subscribeVia(ch, sub, params, (data, envelope, meta) => {
      got.push({ data, envelope, meta });
    });
    expect(subscription.filter).toBe(topic);
    const wire = await raw();
    await wire.subscribe(topic, 2); // at QoS 2, so the broker delivers at the publisher's QoS

    const ids: (string | void)[] = [];
    for (const example of examples) ids.push(await publishVia(ch, pub, params, example));

    await waitFor(() => got.length >= examples.length && wire.on(topic).length >= examples.length, `${examples.length} message(s) on ${topic}`);
    await wire.barrier();
    await sdkBarrier(sub);

    // on the wire: the contract's QoS and framing
    const onWire = wire.on(topic);
    expect(onWire).toHaveLength(examples.length);
    onWire.forEach((m, i) => {
      expect(m.qos, `${ch.id} QoS on the wire`).toBe(ch.qos);
      const body = m.json();
      if (sendsEnvelope(ch)) {
        expect(Object.keys(body).sort().every((k: string) => ENVELOPE_KEYS.includes(k))).toBe(true);
        expect(body.type).toBe((ch.framing as { eventType: string }).eventType);
        expect(body.source).toBe('typed-pub');
        expect(body.data).toEqual(examples[i]);
        expect(body.id).toMatch(/^[0-9a-f]{32}$/);
        expect(body.id, 'publishX resolves with the envelope id').toBe(ids[i]);
      } else {
        expect(body, 'bare framing: the model is the whole message').toEqual(examples[i]);
        expect(ids[i], 'bare publishX resolves with nothing').toBeUndefined();
      }
    });

    // at the generated subscriber
    expect(got).toHaveLength(examples.length);
    got.forEach((g, i) => {
      expect(g.data).toEqual(examples[i]);
      expect(g.meta.topic).toBe(topic);
      expect(g.meta.channel).toBe(ch.id);
      expect(g.meta.params).toEqual(params ?? {});
      if (sendsEnvelope(ch)) {
        expect(g.envelope?.id).toBe(ids[i]);
        expect(g.envelope?.type).toBe((ch.framing as { eventType: string }).eventType);
      } else expect(g.envelope).toBeNull();
    });
    await subscription.unsubscribe();

    // retain: what a LATE subscriber gets from the broker's store
    const stored = await storedRetained(broker.url, topic);
    if (ch.retain) {
      expect(stored, `${ch.id} is retained: a late subscriber gets the stored message`).toHaveLength(1);
      expect(stored[0]!.retain).toBe(true);
      expect(stored[0]!.payload.equals(onWire[onWire.length - 1]!.payload)).toBe(true);
      await wipeRetained(topic);
    } else {
      expect(stored, `${ch.id} is not retained: nothing stored`).toHaveLength(0);
    }
  });
});

describe('typed API: parameterized channels', () => {
  it.each(parameterized.map((c) => [c.id, c] as const))('%s: a wildcard subscription { client_id: "+" } receives from two client ids with meta.params parsed', async (_id, ch) => {
    const run = runId();
    const [a, b, c] = [`a-${run}`, `b-${run}`, `c-${run}`];
    const other = await connectTestClient(broker.url, { sourceName: 'typed-other' });
    const wild: { data: unknown; meta: MessageMeta<string> }[] = [];
    const exact: MessageMeta<string>[] = [];
    const sWild = await subscribeVia(ch, sub, { client_id: '+' }, (data, _env, meta) => {
      if (meta.params.client_id?.endsWith(run)) wild.push({ data, meta });
    });
    expect(sWild.filter).toBe(ch.address.replace('{client_id}', '+'));
    const sExact = await subscribeVia(ch, sub, { client_id: a }, (_d, _e, meta) => {
      exact.push(meta);
    });

    const example = contractExample(ch);
    await publishVia(ch, pub, { client_id: a }, example);
    await publishVia(ch, other, { client_id: b }, example);
    await publishVia(ch, other, { client_id: c }, example);
    await waitFor(() => wild.length >= 3 && exact.length >= 1, 'wildcard and concrete deliveries');
    const barrier = await raw();
    await barrier.barrier();

    expect(wild.map((w) => w.meta.params).sort((x, y) => String(x.client_id).localeCompare(String(y.client_id)))).toEqual([
      { client_id: a }, { client_id: b }, { client_id: c },
    ]);
    for (const w of wild) {
      expect(w.data).toEqual(example);
      expect(w.meta.topic).toBe(buildTopic(ch.address, { client_id: w.meta.params.client_id! }));
      expect(w.meta.channel).toBe(ch.id);
    }
    expect(exact.map((m) => m.params)).toEqual([{ client_id: a }]);
    await sWild.unsubscribe();
    await sExact.unsubscribe();
    if (ch.retain) for (const id of [a, b, c]) await wipeRetained(buildTopic(ch.address, { client_id: id }));
  });

  it.each(parameterized.map((c) => [c.id, c] as const))("%s: parameter values '', 'a/b', '+', '#' are refused on publish, nothing reaches the wire", async (_id, ch) => {
    const spy = await raw();
    await spy.subscribe('#', 2);
    await spy.barrier();
    spy.messages.length = 0;
    const example = contractExample(ch);
    for (const bad of ['', 'a/b', '+', '#']) {
      const err = await rejectionOf(publishVia(ch, pub, { client_id: bad }, example));
      expect(err.code, `publish${ch.id} with client_id ${JSON.stringify(bad)}: ${err.message}`).toBe('INVALID_TOPIC');
      if (ch.retain) {
        const e2 = await rejectionOf(clearVia(ch, pub, { client_id: bad }));
        expect(e2.code, `clear ${ch.id} with client_id ${JSON.stringify(bad)}: ${e2.message}`).toBe('INVALID_TOPIC');
      }
    }
    await pub.publishRaw(`typed-marker/pub-${runId()}`, 'm', { qos: 1 }); // same connection: after anything refused
    await waitFor(() => spy.messages.some((m) => m.topic.startsWith('typed-marker/pub-')), 'publisher marker');
    expect(spy.messages.filter((m) => !m.topic.startsWith('typed-marker/')).map((m) => m.topic)).toEqual([]);
  });
});

describe('typed API: clearX on retained channels', () => {
  it.each(retained.map((c) => [c.id, c] as const))('%s: clearX removes the stored retained message', async (_id, ch) => {
    const params = paramsFor(ch, `clear-${runId()}`);
    const topic = topicOf(ch, params);
    await publishVia(ch, pub, params, contractExample(ch));
    expect(await storedRetained(broker.url, topic)).toHaveLength(1);

    await clearVia(ch, pub, params);
    expect(await storedRetained(broker.url, topic), 'a late raw subscriber sees nothing').toHaveLength(0);

    // and a late generated subscriber gets nothing either (no message, no invalid)
    const late: unknown[] = [];
    const invalid: unknown[] = [];
    const s = await subscribeVia(ch, sub, params, (d) => {
      late.push(d);
    }, { onInvalid: (m) => invalid.push(m) });
    await sdkBarrier(sub); // the stored retained message, if any, would have been delivered before the marker
    expect(late).toEqual([]);
    expect(invalid).toEqual([]);
    await s.unsubscribe();
  });
});
