/**
 * Code generated from a document written elsewhere (test/fixtures/corpus/18-beehive-devices-mqtt), on a real
 * Mosquitto: a channel with several messages (one publish function per message; the subscriber learns which message
 * matched, `meta.message`), and an address whose level mixes a parameter with text (`apiary/{apiaryId}-hive/...`,
 * `apiaryId` an enum): publishing fills the level, subscribing puts '+' there and filters by the address pattern,
 * the enum is checked on both sides.
 */
import path from 'node:path';
import { rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusClient, InvalidMessage, MessageHandler, MessageMeta, Subscription, TypedSubscribeOptions } from '../../runtime/index.js';
import { closeTestClients, connectTestClient } from '../../testing/index.js';
import { generateFromFile, writeOutput } from '../../generator/generate.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { RawClient, rejectionOf, runId, sdkBarrier, waitFor } from './typed-support/wire.js';
import { REPO } from '../generator/helpers.js';

const OUT = path.join(REPO, `test/.out-corpus-mqtt-${process.pid}`);

/** The generated functions this test calls (the module is generated at run time, so typed here by hand). */
interface Api {
  subscribeDeviceCommands(c: BusClient, p: { deviceId: string }, h: MessageHandler<unknown, 'deviceId'>, o?: TypedSubscribeOptions): Promise<Subscription>;
  publishDeviceCommandsTare(c: BusClient, p: { deviceId: string }, data: { command: 'tare' }): Promise<undefined>;
  publishDeviceCommandsSetInterval(c: BusClient, p: { deviceId: string }, data: { command: 'set-interval'; minutes: number }): Promise<undefined>;
  subscribeHiveWeight(c: BusClient, p: { apiaryId: string; hiveId: string }, h: MessageHandler<unknown, 'apiaryId' | 'hiveId'>, o?: TypedSubscribeOptions): Promise<Subscription>;
  publishHiveWeight(c: BusClient, p: { apiaryId: string; hiveId: string }, data: { grams: number; at: string }): Promise<undefined>;
}
let api: Api;
let broker: BrokerHandle;
let pub: BusClient;
let sub: BusClient;
let raw: RawClient;

beforeAll(async () => {
  const { files } = await generateFromFile(path.join(REPO, 'test/fixtures/corpus/18-beehive-devices-mqtt.asyncapi.yaml'));
  await writeOutput(OUT, files);
  await writeFile(path.join(OUT, 'package.json'), '{ "type": "module" }\n');
  api = (await import(path.join(OUT, 'api.ts'))) as Api;
  broker = await startBroker();
  pub = await connectTestClient(broker.url, { sourceName: 'beehive-pub' });
  sub = await connectTestClient(broker.url);
  raw = await RawClient.connect(broker.url);
}, 120_000);
afterAll(async () => {
  await closeTestClients();
  await raw?.end();
  await broker?.dispose();
  await rm(OUT, { recursive: true, force: true });
});

describe('corpus document on Mosquitto: several messages on one channel', () => {
  it('each message has its own publish function; the subscriber gets both and learns which one matched', async () => {
    const deviceId = `d${runId()}`;
    const got: { data: unknown; meta: MessageMeta<'deviceId'> }[] = [];
    await api.subscribeDeviceCommands(sub, { deviceId }, (data, _env, meta) => void got.push({ data, meta }));
    await api.publishDeviceCommandsTare(pub, { deviceId }, { command: 'tare' });
    await api.publishDeviceCommandsSetInterval(pub, { deviceId }, { command: 'set-interval', minutes: 15 });
    await waitFor(() => got.length === 2, 'both commands');
    expect(got.map((g) => [g.meta.message, g.data])).toEqual([
      ['tare', { command: 'tare' }],
      ['setInterval', { command: 'set-interval', minutes: 15 }],
    ]);
    expect(got[0]!.meta.topic).toBe(`devices/dev-${deviceId}/cmd`);
    expect(got[0]!.meta.params).toEqual({ deviceId });
  });

  it('a publish function validates against its own message, not the union', async () => {
    const err = await rejectionOf(api.publishDeviceCommandsTare(pub, { deviceId: 'x' }, { command: 'set-interval', minutes: 15 } as never));
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.rule).toMatch(/const|additionalProperties/);
  });

  it('a payload that is none of the messages reaches onInvalid, never the handler', async () => {
    const deviceId = `d${runId()}`;
    const got: unknown[] = [];
    const invalid: InvalidMessage[] = [];
    await api.subscribeDeviceCommands(sub, { deviceId }, (data) => void got.push(data), { onInvalid: (i) => void invalid.push(i) });
    await raw.publish(`devices/dev-${deviceId}/cmd`, JSON.stringify({ command: 'reboot' }));
    await waitFor(() => invalid.length === 1, 'the invalid command at onInvalid');
    await sdkBarrier(sub);
    expect(got).toEqual([]);
    expect(invalid[0]!.reason).toBe('schema');
  });
});

describe('corpus document on Mosquitto: a parameter inside a topic level', () => {
  const sample = { grams: 41250, at: '2024-06-30T20:00:00+02:00' };

  it('publishing fills the level; a subscriber with the parameter open gets the values back from the topic', async () => {
    const hiveId = `h${runId()}`;
    const got: MessageMeta<'apiaryId' | 'hiveId'>[] = [];
    await api.subscribeHiveWeight(sub, { apiaryId: '+', hiveId }, (_d, _e, meta) => void got.push(meta));
    await api.publishHiveWeight(pub, { apiaryId: 'orchard', hiveId }, sample);
    await api.publishHiveWeight(pub, { apiaryId: 'heath', hiveId }, sample);
    await waitFor(() => got.length === 2, 'two weights');
    expect(got.map((m) => [m.topic, m.params])).toEqual([
      [`apiary/orchard-hive/${hiveId}/weight`, { apiaryId: 'orchard', hiveId }],
      [`apiary/heath-hive/${hiveId}/weight`, { apiaryId: 'heath', hiveId }],
    ]);
  });

  it("the '+' filter is wider than the address: topics that do not fit it are filtered out, values outside the enum are reported", async () => {
    const hiveId = `h${runId()}`;
    const got: unknown[] = [];
    const invalid: InvalidMessage[] = [];
    await api.subscribeHiveWeight(sub, { apiaryId: '+', hiveId }, (d) => void got.push(d), { onInvalid: (i) => void invalid.push(i) });
    await raw.publish(`apiary/orchard-shed/${hiveId}/weight`, JSON.stringify(sample)); // not this channel's address
    await raw.publish(`apiary/moon-hive/${hiveId}/weight`, JSON.stringify(sample)); // `moon` is not in the enum
    await raw.publish(`apiary/rooftop-hive/${hiveId}/weight`, JSON.stringify(sample));
    await waitFor(() => got.length === 1, 'the valid weight');
    await sdkBarrier(sub);
    expect(got).toEqual([sample]);
    expect(invalid.map((i) => [i.topic, i.reason, i.errors[0]?.rule])).toEqual([[`apiary/moon-hive/${hiveId}/weight`, 'topic', 'enum']]);
    expect(invalid[0]!.errors[0]!.message).toContain('apiaryId');
  });

  it('the enum is checked before anything is sent or subscribed', async () => {
    const spy = await RawClient.connect(broker.url);
    try {
      await spy.subscribe('apiary/#', 1);
      const err = await rejectionOf(api.publishHiveWeight(pub, { apiaryId: 'moon', hiveId: '1' }, sample));
      expect(err.code).toBe('INVALID_TOPIC');
      expect(err.message).toContain('apiaryId');
      const subErr = await rejectionOf(api.subscribeHiveWeight(sub, { apiaryId: 'moon', hiveId: '1' }, () => undefined));
      expect(subErr.code).toBe('INVALID_TOPIC');
      expect(subErr.message).toContain('apiaryId');
      await spy.barrier();
      expect(spy.payloadMessages).toEqual([]);
    } finally {
      await spy.end();
    }
  });
});
