/**
 * chaos - hostile inbound. A peer sends what no honest publisher would (invalid UTF-8, non-JSON, 20,000 levels
 * of nesting, 1 MB, `__proto__` keys, 1e400, 10,000 keys, wrong Envelope types) to a TARS subscriber running in
 * a child process with dedupe on and a persistent session. The child must stay alive, its handler must never see
 * invalid data, each bad message must be rejected with a reason, and the next valid message must be handled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from '../integration/support/descriptors.js';
import { rawClient, waitFor, within, type RawObserver } from '../integration/support/util.js';
import { killChildren, startChild } from './support/child.js';

let broker: BrokerHandle;
const raws: RawObserver[] = [];

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  killChildren();
  await Promise.all(raws.map((r) => r.end()));
  await broker?.dispose();
});

const envelope = (data: unknown, over: Record<string, unknown> = {}) =>
  JSON.stringify({ id: `e-${Math.random().toString(36).slice(2)}`, type: 'llm.request', ts: 1_762_430_400.25, source: 'peer', data, ...over });

function nested(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

/** [name, payload, the reason the subscriber must give] */
function hostilePayloads(): [string, Buffer, string][] {
  const [head, tail] = envelope({ id: 'utf8', text: 'X' }).split('X') as [string, string];
  const invalidUtf8 = Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(tail)]);
  const manyKeys: Record<string, number> = {};
  for (let i = 0; i < 10_000; i++) manyKeys[`k${i}`] = i;
  return [
    ['invalid UTF-8 inside a JSON string', invalidUtf8, 'encoding'],
    ['not JSON', Buffer.from('{"id": "x", "type": '), 'json'],
    ['binary garbage', Buffer.from([0x00, 0x9c, 0x80, 0x01, 0x7b]), 'encoding'],
    ['20,000 levels of nesting in free-form params (~120 KB)', Buffer.from(envelope({ id: 'deep', text: 't', params: { __deep__: 0 } }).replace('{"__deep__":0}', nested(20_000))), 'too-deep'],
    ['20,000 levels of array nesting at the top', Buffer.from('['.repeat(20_000) + ']'.repeat(20_000)), 'too-deep'],
    ['1 MB', Buffer.from(envelope({ id: 'big', text: 'x'.repeat(1024 * 1024) })), 'too-large'],
    ['__proto__ key in data', Buffer.from(envelope({ id: 'proto', text: 't' }).replace('"text"', '"__proto__":{"polluted":1},"text"')), 'schema'],
    ['constructor.prototype key in data', Buffer.from(envelope({ id: 'ctor', text: 't' }).replace('"text"', '"constructor":{"prototype":{"polluted":1}},"text"')), 'schema'],
    ['1e400 in a number field', Buffer.from(envelope({ id: 'inf', text: 't', rag_k: 7 }).replace('"rag_k":7', '"rag_k":1e400')), 'number'],
    ['-1e400 in free-form params', Buffer.from(envelope({ id: 'ninf', text: 't', params: { t: 7 } }).replace('"t":7', '"t":-1e400')), 'number'],
    ['10,000 keys in data', Buffer.from(envelope({ id: 'keys', text: 't', ...manyKeys })), 'schema'],
    ['type is a number', Buffer.from(envelope({ id: 'ty', text: 't' }, { type: 123 })), 'event-type'],
    ['data is a string', Buffer.from(envelope('hello')), 'schema'],
    ['id is an object', Buffer.from(envelope({ id: 'idobj', text: 't' }, { id: { a: 1 } })), 'schema'],
    // llm/request accepts the bare model too (the Python consumers' fallback), so this is checked as one
    ['a top-level JSON string', Buffer.from('"just a string"'), 'schema'],
    ['empty payload', Buffer.alloc(0), 'json'],
  ];
}

describe('chaos - hostile inbound to a subscriber in a child process', () => {
  it('stays alive, rejects every bad message with a reason, never hands invalid data to the handler, handles the next valid one', async () => {
    const id = `hostile-${runId()}`;
    const child = await startChild('./hostile-child.ts', { CHAOS_URL: broker.url, CHAOS_CLIENT_ID: id });

    const peer = await rawClient(broker.url);
    raws.push(peer);
    const cases = hostilePayloads();
    for (const [, payload] of cases) await peer.publish('llm/request', payload, { qos: 1 });
    // with a free-form field deeply nested but within the limit, and a __proto__ key where any key is allowed
    await peer.publish('llm/request', Buffer.from(envelope({ id: 'fine-deep', text: 't', params: { __deep__: 0 } }).replace('{"__deep__":0}', nested(30))), { qos: 1 });
    await peer.publish('llm/request', Buffer.from(envelope({ id: 'fine-proto', text: 't', params: { q: 0 } }).replace('"q":0', '"__proto__":{"polluted":1}')), { qos: 1 });
    await peer.publish('llm/request', Buffer.from(envelope({ id: 'after', text: 'valid' })), { qos: 1 });

    await within(waitFor(() => child.out().includes('HANDLED ok after') || child.exit(), 'the valid message after the hostile ones', 20_000), 25_000, 'valid message');
    expect(child.exit(), child.err()).toBeUndefined();
    expect(child.process.exitCode).toBeNull();

    const lines = child.out().trim().split('\n');
    const handled = lines.filter((l) => l.startsWith('HANDLED'));
    expect(handled).toEqual(['HANDLED ok fine-deep', 'HANDLED ok fine-proto', 'HANDLED ok after']);
    const reasons = lines.filter((l) => l.startsWith('INVALID')).map((l) => l.split(' ')[1]);
    expect(reasons).toEqual(cases.map(([, , reason]) => reason));
  });
});
