import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmRequestChannel, llmResponseChannel, llmStreamChannel, sttFinalChannel, systemHealthChannel, systemKeepaliveChannel, ttsSayChannel, ttsStatusChannel } from '../../generated/channels.js';
import type { ChannelDescriptor } from '../../runtime/descriptor.js';
import { request } from '../../runtime/request.js';
import { openStream } from '../../runtime/stream.js';
import {
  closeTestClients,
  collectMessages,
  connectTestClient,
  exampleOf,
  examplesOf,
  nextMessage,
  startTestBroker,
  wireExampleOf,
  type TestBroker,
} from '../../testing/index.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await closeTestClients();
  await broker?.close();
});

describe('fixtures from the contract examples', () => {
  const channels: ChannelDescriptor<any, any>[] = [sttFinalChannel, llmRequestChannel, llmResponseChannel, llmStreamChannel, ttsSayChannel, ttsStatusChannel, systemHealthChannel, systemKeepaliveChannel];
  it.each(channels.map((c) => [c.id, c] as const))('%s: every example model is valid; the wire example is a valid Envelope', (_id, channel) => {
    const models = examplesOf(channel);
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) expect(channel.validateData(m)).toEqual({ ok: true });
    if (channel.validateEnvelope) expect(channel.validateEnvelope(wireExampleOf(channel))).toEqual({ ok: true });
  });

  it('exampleOf returns a fresh copy with overrides', () => {
    const a = exampleOf(sttFinalChannel, { text: 'changed' });
    expect(a.text).toBe('changed');
    expect(exampleOf(sttFinalChannel).text).toBe('what time is it');
  });
});

describe('kit against the embedded broker with the real runtime', () => {
  it('nextMessage: typed { data, envelope, meta } of the next valid message, with params and where', async () => {
    const a = await connectTestClient(broker);
    const b = await connectTestClient(broker.url);
    const next = nextMessage(b, systemHealthChannel, { params: { client_id: '+' }, where: (d) => d.ok === false });
    await next.ready;
    await a.publish(systemHealthChannel, { ok: true, event: 'ready' }, { params: { client_id: 'x-one' } });
    await a.publish(systemHealthChannel, { ok: false, err: 'down' }, { params: { client_id: 'x-two' } });
    const msg = await next;
    expect(msg.data).toMatchObject({ ok: false, err: 'down' });
    expect(msg.meta.params.client_id).toBe('x-two');
    expect(msg.envelope?.source).toBe(a.source);
  });

  it('collectMessages and invalid messages never reach the waiter', async () => {
    const a = await connectTestClient(broker);
    const b = await connectTestClient(broker);
    const three = collectMessages(b, sttFinalChannel, { count: 2 });
    await three.ready;
    await a.publishRaw('stt/final', JSON.stringify(wireExampleOf(sttFinalChannel)).replace('0.93', '7'), { qos: 1 });
    await a.publish(sttFinalChannel, exampleOf(sttFinalChannel));
    await a.publish(sttFinalChannel, exampleOf(sttFinalChannel, undefined, 1));
    const got = await three;
    expect(got.map((m) => m.data.text)).toEqual(['what time is it', 'hello']);
  });

  it('request() + openStream() over the broker', async () => {
    const router = await connectTestClient(broker);
    const llm = await connectTestClient(broker);
    await llm.subscribe(llmRequestChannel, async (data, envelope) => {
      const correlate = envelope?.id;
      const opts = correlate ? { correlate } : {};
      await llm.publish(llmStreamChannel, { id: data.id, seq: 1, delta: 'hi', done: false }, opts);
      await llm.publish(llmStreamChannel, { id: data.id, seq: 2, delta: null, done: true }, opts);
      await llm.publish(llmResponseChannel, { id: data.id, reply: 'hi' }, opts);
    });
    const ids = Array.from({ length: 20 }, (_, i) => `rt-${i}`);
    const results = await Promise.all(
      ids.map(async (id) => {
        const stream = await openStream(router, llmStreamChannel, id, { until: (d) => d.done === true, timeoutMs: 5000 });
        const reply = await request(router, llmRequestChannel, llmResponseChannel, { id, text: 'hello' }, { timeoutMs: 5000 });
        const deltas: unknown[] = [];
        for await (const m of stream) deltas.push(m.data.seq);
        return { id: reply.data.id, deltas };
      }),
    );
    expect(results).toEqual(ids.map((id) => ({ id, deltas: [1, 2] })));
  });
});
