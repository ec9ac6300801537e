/**
 * Malformed inbound payloads from a raw MQTT.js client never reach a handler: each is counted in
 * stats().invalid and passed to onInvalid with its reason and bytes; a following valid message still arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvalidMessage } from '../../runtime/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { READING_LEGACY_TYPE, READING_TYPE, readingBare, readingQ1, runId, type Reading } from './support/descriptors.js';
import { ClientPool } from './support/sdk.js';
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

const env = (data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'e1', type: READING_TYPE, ts: 1_700_000_000.5, source: 'raw', data, ...extra });

type Case = { name: string; payload: Buffer; reason: InvalidMessage['reason'] };
const cases: Case[] = [
  { name: 'invalid JSON', payload: Buffer.from('{"id": "x", "type": '), reason: 'json' },
  { name: 'binary garbage (not UTF-8)', payload: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x01, 0x7b]), reason: 'encoding' },
  { name: 'JSON array', payload: Buffer.from('[1,2,3]'), reason: 'not-envelope' },
  { name: 'JSON string', payload: Buffer.from('"hello"'), reason: 'not-envelope' },
  { name: 'JSON null', payload: Buffer.from('null'), reason: 'not-envelope' },
  { name: 'object that is not an envelope', payload: Buffer.from('{"foo":1}'), reason: 'not-envelope' },
  { name: 'bare model on an envelope-only channel', payload: Buffer.from('{"n":1}'), reason: 'not-envelope' },
  { name: 'envelope with an extra key', payload: Buffer.from(env({ n: 1 }, { extra: true })), reason: 'not-envelope' },
  { name: 'envelope without data', payload: Buffer.from(JSON.stringify({ id: 'x', type: READING_TYPE })), reason: 'not-envelope' },
  { name: 'wrong event type', payload: Buffer.from(env({ n: 1 }, { type: 'other.event' })), reason: 'event-type' },
  { name: 'schema: n negative', payload: Buffer.from(env({ n: -1 })), reason: 'schema' },
  { name: 'schema: n not an integer', payload: Buffer.from(env({ n: 'one' })), reason: 'schema' },
  { name: 'schema: extra data key', payload: Buffer.from(env({ n: 1, bogus: 2 })), reason: 'schema' },
];

describe('invalid inbound messages', () => {
  it('never reach the handler, are counted and reported with reason and payload; valid ones still arrive', async () => {
    const run = runId();
    const { client } = await pool.connect({ url: broker.url, clientId: `inv-${run}` });
    const handled: { data: Reading; type: string | undefined }[] = [];
    const invalid: InvalidMessage[] = [];
    let handlerThrew = 0;
    await client.subscribe(readingQ1, (data, envelope) => {
      if (typeof (data as { n?: unknown }).n !== 'number') handlerThrew += 1;
      handled.push({ data, type: envelope?.type });
    }, { params: { run }, onInvalid: (m) => invalid.push(m) });

    const pub = await rawClient(broker.url);
    raws.push(pub);
    const topic = `itest/${run}/q1`;
    const before = client.stats().invalid;

    await pub.publish(topic, env({ n: 0 }), { qos: 1 });
    for (const c of cases) await pub.publish(topic, c.payload, { qos: 1 });
    await pub.publish(topic, env({ n: 1 }, { id: 'e2' }), { qos: 1 });
    await pub.publish(topic, env({ n: 2 }, { id: 'e3', type: READING_LEGACY_TYPE }), { qos: 1 }); // an accepted legacy type

    await waitFor(() => handled.length >= 3 && invalid.length >= cases.length, 'valid messages and invalid reports', 10_000);
    await sleep(100);

    expect(handlerThrew).toBe(0);
    expect(handled.map((h) => h.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(handled[2]!.type).toBe(READING_LEGACY_TYPE);
    expect(invalid).toHaveLength(cases.length);
    expect(client.stats().invalid - before).toBe(cases.length);
    for (const [i, c] of cases.entries()) {
      const m = invalid[i]!;
      expect({ case: c.name, reason: m.reason }).toEqual({ case: c.name, reason: c.reason });
      expect(m.topic, c.name).toBe(topic);
      expect(m.channel, c.name).toBe(readingQ1.id);
      expect(Buffer.from(m.payload).equals(c.payload), `${c.name}: payload bytes`).toBe(true);
      if (c.reason === 'schema' || c.reason === 'event-type') expect(m.errors.length, c.name).toBeGreaterThan(0);
    }
    const schemaPaths = invalid.filter((m) => m.reason === 'schema').map((m) => m.errors[0]?.path);
    expect(schemaPaths).toEqual(['/data/n', '/data/n', '/data/bogus']);
  });

  it('a bare channel rejects non-objects and schema violations, accepts the bare model', async () => {
    const run = runId();
    const { client } = await pool.connect({ url: broker.url, clientId: `invb-${run}` });
    const handled: Reading[] = [];
    const invalid: InvalidMessage[] = [];
    await client.subscribe(readingBare, (d) => {
      handled.push(d);
    }, { params: { run }, onInvalid: (m) => invalid.push(m) });
    const pub = await rawClient(broker.url);
    raws.push(pub);
    const topic = `itest/${run}/bare`;
    await pub.publish(topic, 'not json', { qos: 1 });
    await pub.publish(topic, '{"n":"x"}', { qos: 1 });
    await pub.publish(topic, '{"n":3}', { qos: 1 });
    await waitFor(() => handled.length >= 1 && invalid.length >= 2, 'bare results');
    await sleep(50);
    expect(handled).toEqual([{ n: 3 }]);
    expect(invalid.map((m) => m.reason)).toEqual(['json', 'schema']);
  });

  it('a throwing handler is isolated: counted in handlerErrors, later messages still handled, process alive', async () => {
    const run = runId();
    const { client } = await pool.connect({ url: broker.url, clientId: `thr-${run}` });
    const seen: number[] = [];
    await client.subscribe(readingQ1, async (d) => {
      seen.push(d.n);
      if (d.n === 1) throw new Error('handler boom');
      if (d.n === 2) await Promise.reject(new Error('async handler boom'));
    }, { params: { run } });
    const pub = await rawClient(broker.url);
    raws.push(pub);
    for (const n of [1, 2, 3]) await pub.publish(`itest/${run}/q1`, env({ n }, { id: `t${n}` }), { qos: 1 });
    await waitFor(() => seen.length >= 3, 'three deliveries');
    expect(seen).toEqual([1, 2, 3]);
    await waitFor(() => client.stats().handlerErrors >= 2, 'handlerErrors counted');
    expect(client.connected).toBe(true);
  });
});
