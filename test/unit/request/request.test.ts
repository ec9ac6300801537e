import { describe, expect, it } from 'vitest';
import { DuplicateCorrelationError, RequestAbortedError, RequestClosedError, RequestTimeoutError } from '../../../runtime/errors.js';
import {
  ignoredReplies,
  parseCorrelationLocation,
  prepareRequest,
  request,
} from '../../../runtime/request.js';
import { FakeBus, cameraCapture, cameraImage, llmRequest, llmResponse, memoryQuery, memoryResults } from './fake-bus.js';

/** An LLM stub on the fake bus: answers each llm/request after `delayMs(id)` with reply = text reversed. */
function llmStub(bus: FakeBus, delayMs: (id: string) => number = () => 0): void {
  bus.responder((channel, wire) => {
    if (channel.id !== 'llmRequest') return;
    const { id, text } = wire.data;
    setTimeout(() => {
      bus.deliverWire('llm/response', { id: wire.id, type: 'llm.response', ts: 1, source: 'llm', data: { id, reply: [...text].reverse().join('') } });
    }, delayMs(id));
  });
}

describe('correlation locations', () => {
  it('parses runtime expressions into JSON pointer segments', () => {
    expect(parseCorrelationLocation('$message.payload#/data/id')).toEqual(['data', 'id']);
    expect(parseCorrelationLocation('$message.payload#/id')).toEqual(['id']);
    expect(parseCorrelationLocation('$message.payload#/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    expect(() => parseCorrelationLocation('$message.header#/id')).toThrow(/unsupported/);
  });

  it('reads the caller id, generates Envelope ids, fills an omitted request_id', () => {
    expect(prepareRequest(llmRequest, { id: 'rt-1', text: 'x' })).toEqual({ data: { id: 'rt-1', text: 'x' }, correlationId: 'rt-1', correlate: undefined });
    const mem = prepareRequest(memoryQuery, { text: 'q' });
    expect(mem.correlationId).toMatch(/^[0-9a-f]{32}$/);
    expect(mem.correlate).toBe(mem.correlationId);
    const input = { message_id: 'm' };
    const cam = prepareRequest(cameraCapture, input);
    expect(cam.data).toEqual({ message_id: 'm', request_id: cam.correlationId });
    expect(input).toEqual({ message_id: 'm' }); // caller's object untouched
  });

  it('leaves data that is not an object as it is, so validation reports it instead of a filled-in id', () => {
    for (const bad of ['not a model', null, 42, ['a']]) {
      const prepared = prepareRequest(cameraCapture, bad as never);
      expect(prepared.data).toBe(bad);
      expect(prepared.correlationId).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});

describe('request()', () => {
  it('resolves with the correlated reply { data, envelope, meta }', async () => {
    const bus = new FakeBus();
    llmStub(bus);
    const reply = await request(bus, llmRequest, llmResponse, { id: 'a1', text: 'hello' }, { timeoutMs: 1000 });
    expect(reply.data).toEqual({ id: 'a1', reply: 'olleh' });
    expect(reply.envelope?.type).toBe('llm.response');
    expect(reply.meta.topic).toBe('llm/response');
  });

  it('100 concurrent requests share one reply subscription and never cross', async () => {
    const bus = new FakeBus();
    // Reply in a scrambled order.
    llmStub(bus, (id) => (Number(id.slice(2)) * 7919) % 23);
    const ids = Array.from({ length: 100 }, (_, i) => `rq${i}`);
    const replies = await Promise.all(ids.map((id) => request(bus, llmRequest, llmResponse, { id, text: `t-${id}` }, { timeoutMs: 2000 })));
    replies.forEach((r, i) => expect(r.data).toEqual({ id: ids[i], reply: [...`t-${ids[i]}`].reverse().join('') }));
    expect(bus.subscribeCalls).toBe(1);
    expect(bus.activeSubscriptions('llmResponse')).toBe(1);
  });

  it('correlates by Envelope id (#/id) via publish({ correlate })', async () => {
    const bus = new FakeBus();
    bus.responder((channel, wire) => {
      if (channel.id !== 'memoryQuery') return;
      // Another query's results first, then ours: the Envelope id decides.
      bus.deliverWire('memory/results', { id: 'someone-else', type: 'memory.results', ts: 1, source: 'm', data: { query: 'other', k: 0, results: [] } });
      bus.deliverWire('memory/results', { id: wire.id, type: 'memory.results', ts: 1, source: 'm', data: { query: wire.data.text, k: 1, results: ['r'] } });
    });
    const reply = await request(bus, memoryQuery, memoryResults, { text: 'where are my keys' }, { timeoutMs: 1000 });
    expect(reply.data.query).toBe('where are my keys');
    expect(ignoredReplies(bus, memoryResults)).toBe(1);
  });

  it('fills #/data/request_id when omitted and matches the reply on it', async () => {
    const bus = new FakeBus();
    bus.responder((channel, wire) => {
      if (channel.id !== 'cameraCapture') return;
      bus.deliverWire('camera/image', { id: 'x', type: 'camera.image', ts: 1, source: 'cam', data: { request_id: wire.data.request_id, data: 'jpg' } });
    });
    const reply = await request(bus, cameraCapture, cameraImage, {}, { timeoutMs: 1000 });
    expect(reply.data.request_id).toMatch(/^[0-9a-f]{32}$/);
    const sent = bus.published.find((p) => p.topic === 'camera/capture')!.wire as { data: { request_id: string } };
    expect(sent.data.request_id).toBe(reply.data.request_id);
  });

  it('ignores replies with unknown correlation (debug log) and still resolves the right one', async () => {
    const bus = new FakeBus();
    const debug: object[] = [];
    bus.responder((channel, wire) => {
      if (channel.id !== 'llmRequest') return;
      bus.deliverWire('llm/response', { id: 'e', type: 'llm.response', ts: 1, source: 'llm', data: { id: 'stranger', reply: 'no' } });
      bus.deliverWire('llm/response', { id: 'e', type: 'llm.response', ts: 1, source: 'llm', data: { id: wire.data.id, reply: 'yes' } });
    });
    const reply = await request(bus, llmRequest, llmResponse, { id: 'mine', text: 'q' }, {
      timeoutMs: 1000,
      logger: { debug: (obj) => debug.push(obj) },
    });
    expect(reply.data.reply).toBe('yes');
    expect(debug).toEqual([{ channel: 'llmResponse', topic: 'llm/response', correlation: 'stranger' }]);
  });

  it('rejects with RequestTimeoutError and removes the pending entry (a late reply is ignored)', async () => {
    const bus = new FakeBus();
    const err = await request(bus, llmRequest, llmResponse, { id: 'slow', text: 'q' }, { timeoutMs: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ code: 'REQUEST_TIMEOUT', channel: 'llmRequest', replyChannel: 'llmResponse', correlationId: 'slow', timeoutMs: 30 });
    bus.deliverWire('llm/response', { id: 'e', type: 'llm.response', ts: 1, source: 'llm', data: { id: 'slow', reply: 'late' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(ignoredReplies(bus, llmResponse)).toBe(1);
    // The same id can be used again.
    llmStub(bus);
    await expect(request(bus, llmRequest, llmResponse, { id: 'slow', text: 'ab' }, { timeoutMs: 500 })).resolves.toMatchObject({ data: { reply: 'ba' } });
  });

  it('rejects with an AbortError on signal abort (before and during the wait)', async () => {
    const bus = new FakeBus();
    const pre = new AbortController();
    pre.abort(new Error('user left'));
    const e1 = await request(bus, llmRequest, llmResponse, { id: 'p', text: 'q' }, { timeoutMs: 1000, signal: pre.signal }).catch((e) => e);
    expect(e1).toBeInstanceOf(RequestAbortedError);
    expect(e1.name).toBe('AbortError');
    expect(bus.published).toHaveLength(0);

    const ac = new AbortController();
    const p = request(bus, llmRequest, llmResponse, { id: 'd', text: 'q' }, { timeoutMs: 1000, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    const e2 = await p.catch((e) => e);
    expect(e2.name).toBe('AbortError');
    expect(e2.code).toBe('ABORT_ERR');
    bus.deliverWire('llm/response', { id: 'e', type: 'llm.response', ts: 1, source: 'llm', data: { id: 'd', reply: 'late' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(ignoredReplies(bus, llmResponse)).toBe(1);
  });

  it('refuses a second pending request with the same correlation value', async () => {
    const bus = new FakeBus();
    const first = request(bus, llmRequest, llmResponse, { id: 'dup', text: 'q' }, { timeoutMs: 200 });
    const second = await request(bus, llmRequest, llmResponse, { id: 'dup', text: 'q' }, { timeoutMs: 200 }).catch((e) => e);
    expect(second).toBeInstanceOf(DuplicateCorrelationError);
    await expect(first).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('passes publish errors through and cleans up', async () => {
    const bus = new FakeBus();
    const boom = Object.assign(new Error('invalid'), { code: 'VALIDATION_FAILED' });
    bus.failPublish = boom;
    await expect(request(bus, llmRequest, llmResponse, { id: 'v', text: 'q' }, { timeoutMs: 200 })).rejects.toBe(boom);
    bus.failPublish = null;
    llmStub(bus);
    await expect(request(bus, llmRequest, llmResponse, { id: 'v', text: 'q' }, { timeoutMs: 200 })).resolves.toBeTruthy();
  });

  it('rejects pending requests when the client closes', async () => {
    const bus = new FakeBus();
    const p = request(bus, llmRequest, llmResponse, { id: 'c', text: 'q' }, { timeoutMs: 1000 });
    await new Promise((r) => setTimeout(r, 10));
    bus.close();
    await expect(p).rejects.toBeInstanceOf(RequestClosedError);
  });
});
