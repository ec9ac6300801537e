/**
 * Validation at the generated typed API's edges, on a real Mosquitto: an invalid outbound model is refused
 * before the wire (a raw subscriber on '#' sees nothing; the error names channel, path and rule); invalid
 * inbound messages from a raw client (bad JSON, wrong event type, schema violation, bare on an enveloped-only
 * channel) never reach a generated subscriber's handler and reach `onInvalid`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTopic, type BusClient, type InvalidMessage } from '../../runtime/index.js';
import { closeTestClients, connectTestClient } from '../../testing/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import {
  allChannels, channelById, contractExample, publishVia, requestStem, requestVia, subscribeVia, type AnyChannel, type Params,
} from './typed-support/contract.js';
import { MARKER_PREFIX, RawClient, rejectionOf, runId, sdkBarrier, waitFor } from './typed-support/wire.js';

let broker: BrokerHandle;
let client: BusClient;
let spy: RawClient;
let rawPub: RawClient;

beforeAll(async () => {
  broker = await startBroker();
  client = await connectTestClient(broker.url, { sourceName: 'typed-invalid' });
  spy = await RawClient.connect(broker.url);
  await spy.subscribe('#', 2);
  rawPub = await RawClient.connect(broker.url);
});
afterAll(async () => {
  await closeTestClients();
  await spy?.end();
  await rawPub?.end();
  await broker?.dispose();
});

const paramsFor = (ch: AnyChannel): Params | undefined =>
  ch.parameters.length === 0 ? undefined : Object.fromEntries(ch.parameters.map((p) => [p, `inv-${runId()}`]));

/** Everything `client` published before this call has reached the '#' spy when this returns. */
async function spySawSince(start: number): Promise<string[]> {
  const topic = `${MARKER_PREFIX}out-${runId()}`;
  await client.publishRaw(topic, 'm', { qos: 1 });
  await waitFor(() => spy.messages.some((m) => m.topic === topic), 'outbound marker at the spy');
  return spy.messages.slice(start).filter((m) => !m.topic.startsWith(MARKER_PREFIX)).map((m) => m.topic);
}

function expectNamesChannelPathRule(err: Record<string, unknown> & Error, channel: string, path: string, rule: string): void {
  expect(err.code, err.message).toBe('VALIDATION_FAILED');
  expect(err.channel).toBe(channel);
  expect(err.path).toBe(path);
  expect(err.rule).toBe(rule);
  expect(err.message).toContain(channel);
  expect(err.message).toContain(path || '(root)');
  expect(err.message).toContain(rule);
}

describe('typed API: invalid outbound is refused before the wire', () => {
  it('publishSttFinal: wrong type, out of range, missing required field: error names channel, path and rule; nothing on the wire', async () => {
    const sttFinal = channelById('sttFinal');
    const start = spy.messages.length;
    const cases: [unknown, string, string][] = [
      [{ text: 5 }, '/text', 'type'],
      [{ text: 'hi', confidence: 3 }, '/confidence', 'maximum'],
      [{ lang: 'en' }, '/text', 'required'],
    ];
    for (const [data, path, rule] of cases) {
      const err = await rejectionOf(publishVia(sttFinal, client, undefined, data));
      expectNamesChannelPathRule(err, 'sttFinal', path, rule);
    }
    expect(await spySawSince(start)).toEqual([]);
  });

  it('every publishX refuses a non-model value (a string) with VALIDATION_FAILED naming its channel; nothing on the wire', async () => {
    const start = spy.messages.length;
    const failures: string[] = [];
    for (const ch of allChannels) {
      let err: (Error & Record<string, unknown>) | undefined;
      try {
        await publishVia(ch, client, paramsFor(ch), 'not a model');
      } catch (e) {
        err = e as Error & Record<string, unknown>;
      }
      if (!err) failures.push(`${ch.id}: published`);
      else if (err.code !== 'VALIDATION_FAILED' || err.channel !== ch.id || typeof err.rule !== 'string' || err.rule === '') {
        failures.push(`${ch.id}: ${err.name} ${String(err.code)} channel=${String(err.channel)} rule=${String(err.rule)}: ${err.message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await spySawSince(start)).toEqual([]);
  });

  it('requestR with an invalid model rejects with the validation error and publishes nothing', async () => {
    const start = spy.messages.length;
    const llmRequest = channelById('llmRequest');
    const err = await rejectionOf(requestVia(llmRequest, client, { ...contractExample<Record<string, unknown>>(llmRequest), text: 42 }, { timeoutMs: 2_000 }));
    expectNamesChannelPathRule(err, 'llmRequest', '/text', 'type');
    expect(await spySawSince(start)).toEqual([]);
  });

  it('every requestR refuses a non-object model (a string, null) with VALIDATION_FAILED; nothing on the wire', async () => {
    const startAll = spy.messages.length;
    const failures: string[] = [];
    for (const ch of allChannels.filter((c) => c.reply)) {
      for (const bad of ['not a model', null]) {
        const start = spy.messages.length;
        const e = await rejectionOf(requestVia(ch, client, bad, { timeoutMs: 500 }));
        const onWire = spy.messages.slice(start).filter((m) => m.topic === ch.address).map((m) => m.payload.toString());
        if (e.code !== 'VALIDATION_FAILED' || onWire.length > 0) {
          failures.push(`request${requestStem(ch.id)}(client, ${JSON.stringify(bad)}): ${String(e.code)}; on ${ch.address}: ${onWire.join(' | ') || 'nothing'}`);
        }
      }
    }
    const sawAll = await spySawSince(startAll);
    expect(failures).toEqual([]);
    expect(sawAll).toEqual([]);
  });
});

describe('typed API: invalid inbound never reaches a generated handler', () => {
  it('stt/final from a raw client: bad JSON, wrong type, schema violation, bare → onInvalid with the reason; the valid one → handler', async () => {
    const sttFinal = channelById('sttFinal');
    const got: unknown[] = [];
    const invalid: InvalidMessage[] = [];
    const s = await subscribeVia(sttFinal, client, undefined, (d) => {
      got.push(d);
    }, { onInvalid: (m) => invalid.push(m) });
    const env = (type: string, data: unknown) => JSON.stringify({ id: runId().repeat(4), type, ts: 1762430400.5, source: 'raw', data });
    const bad: [string, string][] = [
      ['{"id": "x", "type": "stt.final", ', 'json'],
      [env('tts.say', { text: 'wrong type' }), 'event-type'],
      [env('stt.final', { text: 5 }), 'schema'],
      [env('stt.final', { text: 'hi', confidence: 7 }), 'schema'],
      [JSON.stringify({ text: 'bare on an enveloped-only channel' }), 'not-envelope'],
    ];
    for (const [payload] of bad) await rawPub.publish('stt/final', payload, { qos: 1 });
    await rawPub.publish('stt/final', env('stt.final', { text: 'valid' }), { qos: 1 });
    await waitFor(() => got.length >= 1, 'the valid message at the handler');
    await sdkBarrier(client);
    expect(got).toEqual([{ text: 'valid' }]);
    expect(invalid.map((m) => m.reason)).toEqual(bad.map(([, r]) => r));
    for (const m of invalid) {
      expect(m.topic).toBe('stt/final');
      expect(m.channel).toBe('sttFinal');
    }
    const schemaErr = invalid[2]!.errors[0]!;
    expect(schemaErr.path).toMatch(/\/text$/);
    expect(schemaErr.rule).toBe('type');
    expect(Buffer.from(invalid[0]!.payload).toString()).toBe(bad[0]![0]);
    await s.unsubscribe();
  });

  it.each(allChannels.map((c) => [c.id, c] as const))('%s: bad JSON, an unknown event type and a non-model never reach subscribeX; the example does', async (_id, ch) => {
    const params = paramsFor(ch);
    const topic = buildTopic(ch.address, params ?? {});
    const got: unknown[] = [];
    const invalid: InvalidMessage[] = [];
    const s = await subscribeVia(ch, client, params, (d) => {
      got.push(d);
    }, { onInvalid: (m) => invalid.push(m) });
    const example = contractExample(ch);
    const enveloped = ch.framing.kind === 'envelope';
    const wrap = (type: string, data: unknown) => JSON.stringify({ id: 'f'.repeat(32), type, ts: 1762430400.5, source: 'raw', data });
    const bad: [string, string[]][] = [['not json at all', ['json']]];
    if (enveloped) {
      bad.push([wrap('no.such.type', example), ['event-type']]);
      bad.push([wrap((ch.framing as { eventType: string }).eventType, 'not a model'), ['schema']]);
    } else {
      bad.push([JSON.stringify('not a model'), ['schema', 'not-envelope']]);
    }
    for (const [payload] of bad) await rawPub.publish(topic, payload, { qos: 1 });
    const good = enveloped ? wrap((ch.framing as { eventType: string }).eventType, example) : JSON.stringify(example);
    await rawPub.publish(topic, good, { qos: 1 });
    await waitFor(() => got.length >= 1, `the valid ${ch.id} message at the handler`);
    await sdkBarrier(client);
    expect(got).toEqual([example]);
    expect(invalid).toHaveLength(bad.length);
    invalid.forEach((m, i) => {
      expect(bad[i]![1], `${ch.id} invalid #${i} reason ${m.reason}`).toContain(m.reason);
      expect(m.channel).toBe(ch.id);
      expect(m.topic).toBe(topic);
    });
    await s.unsubscribe();
    if (ch.retain) await rawPub.publish(topic, '', { qos: 1, retain: true });
  });
});
