import { describe, expect, it } from 'vitest';
import { RequestAbortedError, RequestClosedError, StreamOverflowError, StreamTimeoutError } from '../../../runtime/errors.js';
import { request } from '../../../runtime/request.js';
import { openStream, streamEndTest, streamReplies } from '../../../runtime/stream.js';
import { FakeBus, llmRequest, llmResponse, llmStream } from './fake-bus.js';

const env = (data: object) => ({ id: 'e1', type: 'llm.stream', ts: 1, source: 'llm', data });

/** LLM stub: 3 deltas (seq 1..3), a closing delta (seq 4, done), then the response. Interleaves a stranger. */
function streamingLlm(bus: FakeBus): void {
  bus.responder((channel, wire) => {
    if (channel.id !== 'llmRequest') return;
    const { id } = wire.data;
    const words = ['Hello', ' there', '!'];
    words.forEach((w, i) => {
      bus.deliverWire('llm/stream', env({ id, seq: i + 1, delta: w, done: false }));
      bus.deliverWire('llm/stream', env({ id: 'other', seq: i + 1, delta: 'x', done: false }));
    });
    bus.deliverWire('llm/stream', env({ id, seq: 4, delta: null, done: true }));
    bus.deliverWire('llm/stream', env({ id, seq: 5, delta: 'after done', done: false }));
    bus.deliverWire('llm/response', { ...env({ id, reply: words.join('') }), type: 'llm.response' });
  });
}

describe('streamReplies()', () => {
  it('yields the correlated deltas in order and ends at done (then unsubscribes)', async () => {
    const bus = new FakeBus();
    streamingLlm(bus);
    const stream = await openStream(bus, llmStream, 'req-1', { until: (d) => d.done === true, timeoutMs: 1000 });
    expect(bus.activeSubscriptions('llmStream')).toBe(1);
    const reply = await request(bus, llmRequest, llmResponse, { id: 'req-1', text: 'hi' }, { timeoutMs: 1000 });
    const seen: unknown[] = [];
    for await (const { data } of stream) seen.push([data.seq, data.delta, data.done]);
    expect(seen).toEqual([
      [1, 'Hello', false],
      [2, ' there', false],
      [3, '!', false],
      [4, null, true],
    ]);
    expect(reply.data.reply).toBe('Hello there!');
    await new Promise((r) => setTimeout(r, 5));
    expect(bus.activeSubscriptions('llmStream')).toBe(0);
  });

  it("without `until`, the stream ends at the channel's streamEnd (the contract's x-stream last message)", async () => {
    const bus = new FakeBus();
    const withEnd = { ...llmStream, streamEnd: { pointer: '/done', equals: true } };
    const stream = await openStream(bus, withEnd, 'e');
    for (let i = 1; i <= 4; i++) bus.deliverWire('llm/stream', env({ id: 'e', seq: i, delta: `${i}`, done: i === 3 }));
    const seqs: unknown[] = [];
    for await (const m of stream) seqs.push(m.data.seq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('streamEndTest reads the pointer (nested, escaped, absent) and compares with ===', () => {
    const nested = streamEndTest({ ...llmStream, streamEnd: { pointer: '/state/a~1b', equals: 'end' } }) as (d: unknown) => boolean;
    expect(nested({ state: { 'a/b': 'end' } })).toBe(true);
    expect(nested({ state: { 'a/b': 'END' } })).toBe(false);
    expect(nested({ state: null })).toBe(false);
    expect(nested({})).toBe(false);
    const isNull = streamEndTest({ ...llmStream, streamEnd: { pointer: '/delta', equals: null } }) as (d: unknown) => boolean;
    expect(isNull({ delta: null })).toBe(true);
    expect(isNull({})).toBe(false); // absent is not null
    // an inherited property is not the payload's
    expect((streamEndTest({ ...llmStream, streamEnd: { pointer: '/constructor', equals: null } }) as (d: unknown) => boolean)({})).toBe(false);
  });

  it('a channel without streamEnd needs `until`: a TypeError that says so', () => {
    expect(() => streamReplies(new FakeBus(), llmStream, 'x')).toThrow(/declares no stream end \(x-stream\): pass options.until/);
  });

  it('buffers messages that arrive before the consumer iterates', async () => {
    const bus = new FakeBus();
    const stream = await openStream(bus, llmStream, 'b', { until: (d) => d.done === true });
    for (let i = 1; i <= 5; i++) bus.deliverWire('llm/stream', env({ id: 'b', seq: i, delta: `${i}`, done: i === 5 }));
    await new Promise((r) => setTimeout(r, 20));
    const seqs: unknown[] = [];
    for await (const m of stream) seqs.push(m.data.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
  });

  it('a consumer that does not read: the buffer stops at maxBuffered and the stream ends with StreamOverflowError', async () => {
    const bus = new FakeBus();
    const stream = await openStream(bus, llmStream, 'slow', { until: () => false, maxBuffered: 3 });
    for (let i = 1; i <= 10; i++) bus.deliverWire('llm/stream', env({ id: 'slow', seq: i, delta: `${i}`, done: false }));
    await new Promise((r) => setTimeout(r, 20));
    const seqs: unknown[] = [];
    const err = await (async () => {
      for await (const m of stream) seqs.push(m.data.seq);
    })().then(() => null, (e: unknown) => e);
    expect(seqs).toEqual([1, 2, 3]);
    expect(err).toBeInstanceOf(StreamOverflowError);
    expect(err).toMatchObject({ code: 'STREAM_OVERFLOW', maxBuffered: 3 });
    expect(bus.activeSubscriptions('llmStream')).toBe(0);
  });

  it('return() (break) ends the iterator and unsubscribes', async () => {
    const bus = new FakeBus();
    const stream = await openStream(bus, llmStream, 'r', { until: (d) => d.done === true });
    for (let i = 1; i <= 3; i++) bus.deliverWire('llm/stream', env({ id: 'r', seq: i, delta: 'd', done: false }));
    let n = 0;
    for await (const _ of stream) {
      n++;
      break;
    }
    expect(n).toBe(1);
    expect(bus.activeSubscriptions('llmStream')).toBe(0);
    expect(bus.unsubscribeCalls).toBe(1);
    await expect(stream.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('throws StreamTimeoutError after the inactivity timeout and unsubscribes', async () => {
    const bus = new FakeBus();
    const stream = await openStream(bus, llmStream, 't', { until: (d) => d.done === true, timeoutMs: 40 });
    bus.deliverWire('llm/stream', env({ id: 't', seq: 1, delta: 'a', done: false }));
    const first = await stream.next();
    expect(first.value?.data.delta).toBe('a');
    const err = await stream.next().catch((e) => e);
    expect(err).toBeInstanceOf(StreamTimeoutError);
    expect(err).toMatchObject({ channel: 'llmStream', correlationId: 't', timeoutMs: 40, received: 1 });
    expect(bus.activeSubscriptions('llmStream')).toBe(0);
    await expect(stream.next()).resolves.toMatchObject({ done: true });
  });

  it('ends with RequestClosedError when the client closes (also without a timeout), and leaves no status listener', async () => {
    const bus = new FakeBus();
    const listeners = () => (bus as unknown as { statusListeners: unknown[] }).statusListeners.length;
    const stream = await openStream(bus, llmStream, 'c', { until: (d) => d.done === true, timeoutMs: 0 });
    const next = stream.next();
    bus.close();
    const err = await Promise.race([next.catch((e) => e), new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
    expect(err).toBeInstanceOf(RequestClosedError);
    expect(err).toMatchObject({ code: 'CLOSED', channel: 'llmStream', correlationId: 'c' });
    expect(listeners()).toBe(0);
    const done = await openStream(bus, llmStream, 'd', { until: (d) => d.done === true, timeoutMs: 0 });
    await done.close();
    expect(listeners()).toBe(0);
  });

  it('aborts with an AbortError', async () => {
    const bus = new FakeBus();
    const ac = new AbortController();
    const stream = streamReplies(bus, llmStream, 'a', { until: (d) => d.done === true, signal: ac.signal });
    await stream.ready;
    setTimeout(() => ac.abort(), 10);
    const err = await stream.next().catch((e) => e);
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(err.name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 5));
    expect(bus.activeSubscriptions('llmStream')).toBe(0);
  });

  it('two concurrent streams on one client only see their own deltas', async () => {
    const bus = new FakeBus();
    const a = await openStream(bus, llmStream, 'A', { until: (d) => d.done === true });
    const b = await openStream(bus, llmStream, 'B', { until: (d) => d.done === true });
    for (let i = 1; i <= 3; i++) {
      bus.deliverWire('llm/stream', env({ id: 'A', seq: i, delta: `a${i}`, done: i === 3 }));
      bus.deliverWire('llm/stream', env({ id: 'B', seq: i, delta: `b${i}`, done: i === 3 }));
    }
    const collect = async (s: AsyncIterable<{ data: { delta?: string | null } }>) => {
      const out: unknown[] = [];
      for await (const m of s) out.push(m.data.delta);
      return out;
    };
    expect(await Promise.all([collect(a), collect(b)])).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ]);
  });
});
