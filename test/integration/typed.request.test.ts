/**
 * Generated request/reply and stream functions (docs/typed-api.md) against a real Mosquitto: every requestR
 * with a responder on a second client that correlates the reply the way the contract declares it; timeout,
 * abort, 100 concurrent requestLlm answered out of order; openLlmStream with interleaved deltas of another id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusClient, Envelope, Subscription } from '../../runtime/index.js';
import { closeTestClients, connectTestClient } from '../../testing/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import {
  allChannels, channelById, contractExample, correlatedReply, correlationOfRequest, correlationWhere, openVia, publishVia,
  requestStem, requestVia, setPath, subscribeVia, type AnyChannel,
} from './typed-support/contract.js';
import { rejectionOf, runId, sleep, waitFor, within } from './typed-support/wire.js';

let broker: BrokerHandle;
let caller: BusClient;
let responder: BusClient;
const subs: Subscription[] = [];

beforeAll(async () => {
  broker = await startBroker();
  caller = await connectTestClient(broker.url, { sourceName: 'typed-caller' });
  responder = await connectTestClient(broker.url, { sourceName: 'typed-responder' });
});
afterAll(async () => {
  await closeTestClients();
  await broker?.dispose();
});

async function unsubscribeAll(): Promise<void> {
  await Promise.all(subs.splice(0).map((s) => s.unsubscribe().catch(() => undefined)));
}

const requestChannels = allChannels.filter((c) => c.reply !== null);
const llmRequest = channelById('llmRequest');
const llmResponse = channelById('llmResponse');
const llmStream = channelById('llmStream');

/** A request model from the contract example, with a fresh correlation value where the request declares it in data. */
function requestData(ch: AnyChannel, correlation: string): any {
  const example = contractExample(ch);
  const where = correlationWhere(ch);
  return where.kind === 'data' ? setPath(example, where.path, correlation) : example;
}

interface Served {
  correlation: string;
  request: unknown;
  requestEnvelope: Envelope<unknown> | null;
  reply: unknown;
}

/** A responder on the second client: replies to each request on the reply channel, correlated per the contract. */
async function serve(reqCh: AnyChannel, makeReply?: (request: any, correlation: string) => unknown): Promise<Served[]> {
  const replyCh = channelById(reqCh.reply!);
  const served: Served[] = [];
  subs.push(
    await subscribeVia(reqCh, responder, undefined, async (data, envelope) => {
      const correlation = correlationOfRequest(reqCh, data, envelope);
      if (correlation === undefined) throw new Error(`${reqCh.id} request without a correlation value`);
      const base = makeReply ? makeReply(data, correlation) : contractExample(replyCh);
      const { data: reply, options } = correlatedReply(replyCh, base, correlation);
      served.push({ correlation, request: data, requestEnvelope: envelope, reply });
      await publishVia(replyCh, responder, undefined, reply, options);
    }),
  );
  return served;
}

describe('typed API: request/reply through generated requestR functions', () => {
  it('the contract has the request channels the typed-API doc names', () => {
    expect(requestChannels.map((c) => `request${requestStem(c.id)}`).sort()).toEqual([
      'requestCameraCapture', 'requestCharacterGet', 'requestLlm', 'requestLlmToolCall', 'requestMemoryQuery', 'requestMovementTest',
    ]);
  });

  it.each(requestChannels.map((c) => [`request${requestStem(c.id)}`, c] as const))(
    '%s: a responder on another client replies with the declared correlation; the caller gets its reply',
    async (_name, reqCh) => {
      const replyCh = channelById(reqCh.reply!);
      const served = await serve(reqCh);
      try {
        const run = runId();
        const data = requestData(reqCh, `corr-${run}`);
        const reply = await within(requestVia(reqCh, caller, data, { timeoutMs: 5_000 }), 8_000, `request${requestStem(reqCh.id)}`);
        expect(served).toHaveLength(1);
        const s = served[0]!;
        const where = correlationWhere(reqCh);
        if (where.kind === 'data') expect(s.correlation).toBe(`corr-${run}`);
        else expect(s.correlation, 'correlation = the request Envelope id').toBe(s.requestEnvelope?.id);
        expect(reply.data).toEqual(s.reply);
        expect(reply.meta.channel).toBe(replyCh.id);
        expect(reply.meta.topic).toBe(replyCh.address);
        if (correlationWhere(replyCh).kind === 'envelope-id') expect(reply.envelope?.id).toBe(s.correlation);
        const sentBare = reqCh.framing.kind === 'bare' || reqCh.framing.publishBare;
        expect(s.requestEnvelope === null, `${reqCh.id} framing of the request`).toBe(sentBare);
      } finally {
        await unsubscribeAll();
      }
    },
  );

  it('with no responder every requestR rejects with RequestTimeoutError', async () => {
    const results = await within(
      Promise.all(requestChannels.map((ch) => rejectionOf(requestVia(ch, caller, requestData(ch, `to-${runId()}`), { timeoutMs: 300 })))),
      8_000,
      'timeouts',
    );
    results.forEach((err, i) => {
      expect(err.name, `${requestChannels[i]!.id}: ${err.message}`).toBe('RequestTimeoutError');
      expect(err.code).toBe('REQUEST_TIMEOUT');
      expect(err.channel).toBe(requestChannels[i]!.id);
    });
  });

  it('an AbortSignal aborts a pending request (AbortError); an aborted signal refuses at once', async () => {
    const pre = new AbortController();
    pre.abort(new Error('not wanted'));
    const early = await rejectionOf(requestVia(llmRequest, caller, requestData(llmRequest, `ab0-${runId()}`), { timeoutMs: 5_000, signal: pre.signal }));
    expect(early.name).toBe('AbortError');

    const ctl = new AbortController();
    const pending = requestVia(llmRequest, caller, requestData(llmRequest, `ab1-${runId()}`), { timeoutMs: 10_000, signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error('user cancelled')), 50);
    const err = await within(rejectionOf(pending), 5_000, 'abort');
    expect(err.name).toBe('AbortError');
    expect((err.cause as Error | undefined)?.message).toBe('user cancelled');
  });

  it('100 concurrent requestLlm calls answered in shuffled order with delays: each resolves with its own reply', async () => {
    const run = runId();
    const N = 100;
    const inbox: { id: string; text: string }[] = [];
    subs.push(
      await subscribeVia(llmRequest, responder, undefined, (data: any) => {
        inbox.push({ id: data.id, text: data.text });
      }),
    );
    try {
      const calls = Array.from({ length: N }, (_, i) =>
        requestVia(llmRequest, caller, { ...contractExample<Record<string, unknown>>(llmRequest), id: `c${i}-${run}`, text: `question ${i} ${run}`, stream: false }, { timeoutMs: 15_000 }),
      );
      await waitFor(() => inbox.length >= N, `${N} requests at the responder`, 10_000);
      const order = [...inbox];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const replies = order.map(async (r, k) => {
        await sleep(Math.floor(Math.random() * 30) + (k % 7));
        await publishVia(llmResponse, responder, undefined, { ...contractExample<Record<string, unknown>>(llmResponse), id: r.id, reply: `answer to ${r.text}` });
      });
      const results = await within(Promise.all(calls), 15_000, `${N} concurrent requestLlm`);
      await Promise.all(replies);
      results.forEach((res, i) => {
        expect(res.data.id).toBe(`c${i}-${run}`);
        expect(res.data.reply).toBe(`answer to question ${i} ${run}`);
      });
      expect(new Set(inbox.map((r) => r.id)).size).toBe(N);
    } finally {
      await unsubscribeAll();
    }
  });
});

describe('typed API: openLlmStream', () => {
  it("yields exactly this id's deltas in order (another id's deltas interleaved) and ends at done", async () => {
    const run = runId();
    const mine = `s-${run}`;
    const other = `o-${run}`;
    const n = 6;
    const delta = (id: string, seq: number, done: boolean) => ({
      ...contractExample<Record<string, unknown>>(llmStream),
      id, seq, done, delta: done ? null : `${id}:${seq} `,
    });
    subs.push(
      await subscribeVia(llmRequest, responder, undefined, async (data: any) => {
        if (data.id !== mine) return;
        for (let seq = 1; seq <= n; seq++) {
          await publishVia(llmStream, responder, undefined, delta(mine, seq, false));
          await publishVia(llmStream, responder, undefined, delta(other, seq, false));
        }
        await publishVia(llmStream, responder, undefined, delta(other, n + 1, true));
        await publishVia(llmStream, responder, undefined, delta(mine, n + 1, true));
        await publishVia(llmStream, responder, undefined, delta(mine, n + 2, false)); // after done: not yielded
        await publishVia(llmResponse, responder, undefined, { ...contractExample<Record<string, unknown>>(llmResponse), id: mine, reply: 'streamed' });
      }),
    );
    try {
      const stream = await openVia(llmStream, caller, mine, { timeoutMs: 5_000 });
      const otherStream = await openVia(llmStream, caller, other, { timeoutMs: 5_000 });
      const reply = requestVia(llmRequest, caller, { ...contractExample<Record<string, unknown>>(llmRequest), id: mine, stream: true }, { timeoutMs: 5_000 });
      const collect = async (s: AsyncIterable<{ data: any }>) => {
        const out: any[] = [];
        for await (const item of s) out.push(item.data);
        return out;
      };
      const [got, gotOther, res] = await within(Promise.all([collect(stream), collect(otherStream), reply]), 8_000, 'stream + reply');
      expect(got.map((d) => d.seq)).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
      expect(got.every((d) => d.id === mine)).toBe(true);
      expect(got.slice(0, n).map((d) => d.delta).join('')).toBe(Array.from({ length: n }, (_, i) => `${mine}:${i + 1} `).join(''));
      expect(got[n].done).toBe(true);
      expect(got.slice(0, n).every((d) => d.done === false)).toBe(true);
      expect(gotOther.map((d) => d.seq)).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
      expect(gotOther.every((d) => d.id === other)).toBe(true);
      expect(res.data).toMatchObject({ id: mine, reply: 'streamed' });
    } finally {
      await unsubscribeAll();
    }
  });
});
