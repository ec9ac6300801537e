/**
 * The generated typed API (generated/api.ts, docs/typed-api.md).
 *
 * Type level: `typeChecks()` is never called; `npm run typecheck` (tsc over test/) compiles it, and every
 * `@ts-expect-error` line must be an error there (an unused directive is itself an error). Run time: the
 * functions exist for every channel, carry their JSDoc, and hand the right descriptor/arguments to the runtime.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../../generated/index.js';
import {
  channels,
  clearSystemHealth,
  llmRequestChannel,
  llmResponseChannel,
  openLlmStream,
  publishLlmStream,
  publishSttFinal,
  publishSystemHealth,
  publishSystemKeepalive,
  publishTtsSay,
  requestLlm,
  requestMemoryQuery,
  sttFinalChannel,
  subscribeLlmRequest,
  subscribeSttFinal,
  subscribeSystemHealth,
  systemHealthChannel,
  type FinalTranscript,
  type HealthPing,
  type LLMResponse,
  type LLMStreamDelta,
  type MemoryResults,
} from '../../generated/index.js';
import type { TypedPublishOptions, BusClient, Envelope, InvalidTopicError, Reply, ReplyStream, Subscription } from '../../runtime/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_: T): void => undefined;

// ---------------------------------------------------------------------------------------------------------
// Type level (compiled by tsc, never run)

export async function typeChecks(client: BusClient): Promise<void> {
  const transcript: FinalTranscript = { text: 'what time is it', confidence: 0.9 };

  // positive uses
  const id: string = await publishSttFinal(client, transcript);
  await publishSttFinal(client, { text: 'hi', utt_id: null }, { correlate: id, retries: 0 });
  const nothing: void = await publishSystemKeepalive(client, { client_id: 'tars-stt' }, { ok: true, event: 'heartbeat', timestamp: 1 });
  void nothing;
  await publishSystemHealth(client, { client_id: 'tars-stt' }, { ok: true, event: 'ready' });
  const sub: Subscription = await subscribeSttFinal(client, (data, envelope, meta) => {
    assertType<Equal<typeof data, FinalTranscript>>(true);
    assertType<Equal<typeof envelope, Envelope<FinalTranscript> | null>>(true);
    const topic: string = meta.topic;
    void topic;
  }, { concurrency: 4, dedupe: true, onInvalid: (m) => void m.reason });
  await sub.unsubscribe();
  await subscribeSystemHealth(client, { client_id: '+' }, (data, _envelope, meta) => {
    const ok: boolean = data.ok;
    const who: string = meta.params.client_id;
    void ok;
    void who;
  });
  await clearSystemHealth(client, { client_id: 'tars-stt' });
  const reply: Reply<LLMResponse> = await requestLlm(client, { id: 'rt-1', text: 'hi' });
  const text: string | null | undefined = reply.data.reply;
  void text;
  await requestLlm(client, { id: 'rt-2', text: 'hi' }, { timeoutMs: 5_000, signal: AbortSignal.timeout(6_000) });
  const results: Reply<MemoryResults> = await requestMemoryQuery(client, { text: 'x' });
  void results;
  const stream: ReplyStream<LLMStreamDelta> = await openLlmStream(client, 'rt-1', { timeoutMs: 1_000 });
  for await (const { data } of stream) {
    const done: boolean | undefined = data.done;
    void done;
  }
  const publishOptions: TypedPublishOptions = { correlate: 'x' };
  await publishLlmStream(client, { id: 'rt-1', seq: 1, delta: 'a', done: false }, publishOptions);

  // wrong field type
  // @ts-expect-error text is a string
  await publishSttFinal(client, { text: 42 });
  // @ts-expect-error confidence is a number
  await publishSttFinal(client, { text: 'hi', confidence: 'high' });
  // missing required field
  // @ts-expect-error text is required
  await publishSttFinal(client, { lang: 'en' });
  // @ts-expect-error ok is required
  await publishSystemHealth(client, { client_id: 'x' }, { event: 'ready' });
  // unknown field (excess property in an object literal)
  // @ts-expect-error FinalTranscript forbids extra keys
  await publishSttFinal(client, { text: 'hi', bogus: 1 });
  // wrong parameter name
  // @ts-expect-error the parameter is client_id
  await publishSystemHealth(client, { clientId: 'x' }, { ok: true });
  // @ts-expect-error the parameter is client_id
  await subscribeSystemHealth(client, { client: '+' }, () => undefined);
  // a missing params argument
  // @ts-expect-error params come first
  await publishSystemHealth(client, { ok: true });
  // @ts-expect-error params come first
  await subscribeSystemHealth(client, () => undefined);
  // @ts-expect-error params come first
  await clearSystemHealth(client);
  // qos / retain / params are not options of a generated function
  // @ts-expect-error no qos option
  await publishSttFinal(client, transcript, { qos: 0 });
  // @ts-expect-error no retain option
  await publishSttFinal(client, transcript, { retain: true });
  // @ts-expect-error no params option (params are an argument)
  await publishSystemHealth(client, { client_id: 'x' }, { ok: true }, { params: { client_id: 'y' } });
  // @ts-expect-error no qos option on subscribe either
  await subscribeSttFinal(client, () => undefined, { qos: 2 });
  // @ts-expect-error no qos option on requests
  await requestLlm(client, { id: 'rt-3', text: 'hi' }, { qos: 1 });
  // wrong handler data type
  // @ts-expect-error the handler receives a FinalTranscript, not a HealthPing
  await subscribeSttFinal(client, (data: HealthPing) => void data.ok);
  await subscribeSttFinal(client, (data) => {
    // @ts-expect-error FinalTranscript has no ok
    void data.ok;
    // @ts-expect-error text is a string
    const n: number = data.text;
    void n;
  });
  await subscribeSystemHealth(client, { client_id: '+' }, (_d, _e, meta) => {
    // @ts-expect-error the only parameter is client_id
    void meta.params.zone;
  });
  // request data and reply types
  // @ts-expect-error LLMRequest needs id
  await requestLlm(client, { text: 'hi' });
  // @ts-expect-error the reply is an LLMResponse
  const wrongReply: Reply<HealthPing> = await requestLlm(client, { id: 'rt-4', text: 'hi' });
  void wrongReply;
  // @ts-expect-error a data payload is not a valid TtsSay
  await publishTtsSay(client, { text: 'hi', voice: 3 });
  // functions that do not exist: clear on a non-retained channel, open on a non-stream channel, request on a non-request channel
  // @ts-expect-error stt/final is not retained
  void api.clearSttFinal;
  // @ts-expect-error stt/final is not a stream
  void api.openSttFinal;
  // @ts-expect-error llm/response is no request channel
  void api.requestLlmResponse;
}

// ---------------------------------------------------------------------------------------------------------
// Run time

type AnyFn = (...args: unknown[]) => unknown;
const ns = api as unknown as Record<string, unknown>;
const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const all = Object.values(channels) as { id: string; retain: boolean; reply: string | null; qos: number }[];
const source = readFileSync(new URL('../../generated/api.ts', import.meta.url), 'utf8');

/** A BusClient stand-in that records calls. */
function fakeClient() {
  const calls: { method: string; args: unknown[] }[] = [];
  const client = {
    clientId: 'fake',
    source: 'fake',
    connected: true,
    publish: (...args: unknown[]) => (calls.push({ method: 'publish', args }), Promise.resolve('e'.repeat(32))),
    subscribe: (...args: unknown[]) => (calls.push({ method: 'subscribe', args }), Promise.resolve({ filter: 'x', unsubscribe: async () => undefined })),
    publishRaw: (...args: unknown[]) => (calls.push({ method: 'publishRaw', args }), Promise.resolve()),
    on: () => () => undefined,
  };
  return { client: client as unknown as BusClient, calls };
}

describe('typed API - generated functions', () => {
  it('exist for every channel, with the names of docs/typed-api.md', () => {
    expect(all).toHaveLength(34);
    const expected: string[] = [];
    for (const c of all) {
      const X = pascal(c.id);
      expected.push(`publish${X}`, `subscribe${X}`);
      if (c.retain) expected.push(`clear${X}`);
      if (c.reply) expected.push(`request${pascal(c.id.replace(/Request$/, ''))}`);
    }
    expected.push('openLlmStream');
    for (const name of expected) expect(typeof ns[name], name).toBe('function');
    const generated = Object.keys(ns).filter((k) => /^(publish|subscribe|clear|request|open)[A-Z]/.test(k) && typeof ns[k] === 'function');
    expect(generated.sort()).toEqual([...expected].sort());
    for (const name of ['requestLlm', 'requestMemoryQuery', 'requestCharacterGet', 'requestCameraCapture', 'requestLlmToolCall', 'requestMovementTest']) {
      expect(typeof ns[name], name).toBe('function');
    }
  });

  it('every function has JSDoc from the contract: address, QoS, retain, publishers → subscribers, an example', () => {
    const blocks = [...source.matchAll(/\/\*\*\n((?: \*.*\n)+?) \*\/\nexport function (\w+)\(/g)].map((m) => ({ doc: m[1]!, name: m[2]! }));
    expect(blocks.length).toBe(Object.keys(ns).filter((k) => /^(publish|subscribe|clear|request|open)[A-Z]/.test(k)).length);
    for (const { doc, name } of blocks) {
      expect(doc, name).toMatch(/QoS [012], (not )?retained/);
      expect(doc, name).toMatch(/address `[^`]+`/);
      expect(doc, name).toContain('@example');
      expect(doc, name).toMatch(/envelope type "|bare payload/);
    }
    const req = blocks.find((b) => b.name === 'requestLlm')!.doc;
    expect(req).toContain('`llm/response` (channel `llmResponse`)');
    expect(req).toContain('$message.payload#/data/id');
    expect(blocks.find((b) => b.name === 'publishSttFinal')!.doc).toContain('Publishers → subscribers: stt-worker → router');
    expect(source).not.toMatch(/from '\.\.?\/.*runtime/);
  });

  it('publish/subscribe hand the descriptor, data and only the allowed options to the runtime', async () => {
    const { client, calls } = fakeClient();
    const data = { text: 'hi' };
    await expect(publishSttFinal(client, data)).resolves.toBe('e'.repeat(32));
    await publishSystemHealth(client, { client_id: 'svc' }, { ok: true }, { correlate: 'c' });
    const handler = () => undefined;
    await subscribeSttFinal(client, handler);
    await subscribeSystemHealth(client, { client_id: '+' }, handler, { concurrency: 2 });
    expect(calls).toEqual([
      { method: 'publish', args: [sttFinalChannel, data, undefined] },
      { method: 'publish', args: [systemHealthChannel, { ok: true }, { correlate: 'c', params: { client_id: 'svc' } }] },
      { method: 'subscribe', args: [sttFinalChannel, handler, undefined] },
      { method: 'subscribe', args: [systemHealthChannel, handler, { concurrency: 2, params: { client_id: '+' } }] },
    ]);
  });

  it('clearX publishes an empty retained message at the channel QoS; refused parameter values send nothing', async () => {
    const { client, calls } = fakeClient();
    await clearSystemHealth(client, { client_id: 'tars-stt' });
    expect(calls).toEqual([{ method: 'publishRaw', args: ['system/health/tars-stt', '', { qos: 1, retain: true }] }]);
    for (const bad of ['', 'a/b', '+', '#']) {
      const err = await clearSystemHealth(client, { client_id: bad }).then(() => null, (e: InvalidTopicError) => e);
      expect(err?.code, JSON.stringify(bad)).toBe('INVALID_TOPIC');
    }
    expect(calls).toHaveLength(1);
  });

  it('requestR correlates through the runtime request(): subscribes to the reply first, default timeout 30 s', async () => {
    const { client, calls } = fakeClient();
    const pending = requestLlm(client, { id: 'rt-x', text: 'hi' }, { timeoutMs: 50 });
    await expect(pending).rejects.toMatchObject({ name: 'RequestTimeoutError', timeoutMs: 50 });
    expect(calls.map((c) => [c.method, (c.args[0] as { id: string }).id])).toEqual([
      ['subscribe', llmResponseChannel.id],
      ['publish', llmRequestChannel.id],
    ]);
    // The default deadline lives in the runtime (DEFAULT_REQUEST_TIMEOUT_MS), not in generated code.
    expect(source).toMatch(/export function requestLlm\([^)]*\)[^{]*\{\n\s+return request\(client, llmRequestChannel, llmResponseChannel, data, options\);/);
    expect(source).not.toMatch(/30_000/);
  });

  it('openX ends the stream after the message x-stream marks as the last one', async () => {
    let deliver: ((data: unknown, envelope: unknown, meta: unknown) => void) | undefined;
    const { client } = fakeClient();
    (client as unknown as { subscribe: AnyFn }).subscribe = (_ch: unknown, h: unknown) => {
      deliver = h as typeof deliver;
      return Promise.resolve({ filter: 'llm/stream', unsubscribe: async () => undefined });
    };
    const stream = await openLlmStream(client, 'rt-1');
    const meta = { topic: 'llm/stream', channel: 'llmStream', params: {}, qos: 0, retain: false };
    deliver!({ id: 'rt-1', seq: 1, delta: 'a', done: false }, null, meta);
    deliver!({ id: 'rt-2', seq: 1, delta: 'other', done: true }, null, meta);
    deliver!({ id: 'rt-1', seq: 2, delta: null, done: true }, null, meta);
    deliver!({ id: 'rt-1', seq: 3, delta: 'late', done: false }, null, meta);
    const seen: (number | null | undefined)[] = [];
    for await (const { data } of stream) seen.push(data.seq);
    expect(seen).toEqual([1, 2]);
  });

  it('subscribe handlers type-check against the channel (run-time smoke of the type-level file)', () => {
    expect(typeof typeChecks).toBe('function');
    const fn: AnyFn = subscribeLlmRequest as AnyFn;
    expect(fn.length).toBe(3);
  });
});
