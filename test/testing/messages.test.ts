import { describe, expect, it } from 'vitest';
import { MessageTimeoutError, collectMessages, nextMessage } from '../../testing/messages.js';
import { FakeBus, llmStream } from '../unit/request/fake-bus.js';

const delta = (id: string, seq: number) => ({ id: 'e', type: 'llm.stream', ts: 1, source: 'llm', data: { id, seq, delta: 'x', done: false } });

describe('nextMessage()', () => {
  it('resolves with the next message matching `where` and unsubscribes', async () => {
    const bus = new FakeBus();
    const next = nextMessage(bus, llmStream, { where: (d) => d.id === 'b' });
    await next.ready;
    bus.deliverWire('llm/stream', delta('a', 1));
    bus.deliverWire('llm/stream', delta('b', 2));
    const msg = await next;
    expect(msg.data).toMatchObject({ id: 'b', seq: 2 });
    expect(msg.envelope?.type).toBe('llm.stream');
    expect(msg.meta.topic).toBe('llm/stream');
    expect(bus.activeSubscriptions()).toBe(0);
  });

  it('rejects with MessageTimeoutError', async () => {
    const bus = new FakeBus();
    await expect(nextMessage(bus, llmStream, { timeoutMs: 20 })).rejects.toBeInstanceOf(MessageTimeoutError);
    expect(bus.activeSubscriptions()).toBe(0);
  });
});

describe('collectMessages()', () => {
  it('resolves at `count`', async () => {
    const bus = new FakeBus();
    const all = collectMessages(bus, llmStream, { count: 3 });
    await all.ready;
    for (let i = 1; i <= 5; i++) bus.deliverWire('llm/stream', delta('a', i));
    expect((await all).map((m) => m.data.seq)).toEqual([1, 2, 3]);
    expect(bus.activeSubscriptions()).toBe(0);
  });

  it('collects for `durationMs` without a count; times out with the number received when short of `count`', async () => {
    const bus = new FakeBus();
    const window = collectMessages(bus, llmStream, { durationMs: 40 });
    await window.ready;
    bus.deliverWire('llm/stream', delta('a', 1));
    expect(await window).toHaveLength(1);

    const short = collectMessages(bus, llmStream, { count: 2, timeoutMs: 40 });
    await short.ready;
    bus.deliverWire('llm/stream', delta('a', 1));
    await expect(short).rejects.toMatchObject({ code: 'MESSAGE_TIMEOUT', received: 1, wanted: 2 });
  });
});
