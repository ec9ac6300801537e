/**
 * hostile data - the inbound decode limits (size, UTF-8, depth, finite numbers, inert __proto__), the bounded
 * recursion of canonicalJson, outbound serialisation errors with their JSON pointer, and the offline queue's bounds
 * and expiry order.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canonicalJson, checkShape, decodeMessage, isTarsError, type ChannelDescriptor } from '../../../runtime/index.js';
import { ExpiringQueue } from '../../../runtime/expiring-queue.js';
import { dataJson, EnvelopeWriter } from '../../../runtime/outbound.js';
import { ttsSay } from './descriptors.js';

const limits = { maxBytes: 1_000_000, maxDepth: 64 };
const nest = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);
const freeForm: ChannelDescriptor<unknown, never> = {
  ...ttsSay, framing: { kind: 'bare' }, validateData: () => ({ ok: true }), validateEnvelope: null,
} as unknown as ChannelDescriptor<unknown, never>;

describe('inbound - shape limits', () => {
  it('accepts nesting up to maxDepth and refuses one more level, with the path of the first too-deep value', () => {
    expect(checkShape(JSON.parse(nest(64)), 64)).toBeNull();
    const r = checkShape(JSON.parse(nest(65)), 64);
    expect(r).toMatchObject({ ok: false, reason: 'too-deep' });
    expect(r!.ok === false && r!.errors[0]!.path).toBe('/a'.repeat(64));
    expect(r!.ok === false && r!.errors[0]!.rule).toBe('maxDepth');
  });

  it('walks 1,000,000 levels without recursion', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(checkShape(deep, 64)).toMatchObject({ ok: false, reason: 'too-deep' });
  });

  it.each([
    ['1e400', ''],
    ['{"a":[1,2,-1e400]}', '/a/2'],
    ['{"x":{"y~z/w":1e999}}', '/x/y~0z~1w'],
  ])('refuses non-finite numbers: %s at %j', (text, path) => {
    const r = checkShape(JSON.parse(text), 64);
    expect(r).toMatchObject({ ok: false, reason: 'number', errors: [{ path, rule: 'finite' }] });
  });

  it('keeps __proto__ and constructor keys as inert data', () => {
    const d = decodeMessage(freeForm, Buffer.from('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}'), limits);
    expect(d.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const data = (d as { data: Record<string, unknown> }).data;
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('refuses invalid UTF-8 (no U+FFFD substitution), and says so', () => {
    const d = decodeMessage(freeForm, Buffer.concat([Buffer.from('{"t":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), limits);
    expect(d).toMatchObject({ ok: false, reason: 'encoding', errors: [{ rule: 'utf8' }] });
  });

  it('checks size before anything else', () => {
    const d = decodeMessage(freeForm, Buffer.alloc(2_000, 0xff), { maxBytes: 1_000, maxDepth: 64 });
    expect(d).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('a validator that throws is reported, never thrown', () => {
    const throwing = { ...freeForm, validateData: () => { throw new RangeError('Maximum call stack size exceeded'); } } as ChannelDescriptor<unknown, never>;
    expect(decodeMessage(throwing, Buffer.from('{}'), limits)).toMatchObject({ ok: false, reason: 'schema', errors: [{ rule: 'validator' }] });
  });
});

describe('canonicalJson - bounded recursion', () => {
  it('throws a RangeError of its own past 1,000 levels instead of overflowing the stack', () => {
    expect(() => canonicalJson(JSON.parse(nest(2_000)))).toThrow(/nesting deeper than 1000 levels/);
    expect(canonicalJson(JSON.parse(nest(500)))).toBe(nest(500));
  });
});

describe('outbound - serialisation errors', () => {
  it.each([
    ['a BigInt', () => ({ a: [1, { b: 2n }] }), '/a/1/b', 'bigint'],
    ['a cycle', () => { const o: Record<string, unknown> = { x: { y: {} } }; (o.x as { y: Record<string, unknown> }).y.back = o; return o; }, '/x/y/back', 'circular'],
    ['nesting too deep for JSON.stringify', () => JSON.parse(nest(50_000)), '', 'depth'],
  ])('%s: SerializationError with topic, path and rule', (_n, make, path, rule) => {
    let err: unknown;
    try {
      dataJson('t/x', make());
    } catch (e) {
      err = e;
    }
    expect(isTarsError(err, 'SERIALIZATION_FAILED')).toBe(true);
    expect(err).toMatchObject({ name: 'SerializationError', topic: 't/x', rule });
    if (rule !== 'depth') expect((err as { path: string }).path).toBe(path);
    expect((err as Error).message).toContain('t/x');
  });

  it('a throwing toJSON in data is a SerializationError too, for Envelopes', () => {
    const w = new EnvelopeWriter('src');
    const data = { toJSON() { throw new Error('nope'); } };
    expect(() => w.write('t/y', 'id1', false, 'x.y', data)).toThrow(expect.objectContaining({ code: 'SERIALIZATION_FAILED', topic: 't/y' }));
  });
});

describe('expiring queue (offline publishes, held session messages)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('bounds messages and bytes, refusing (not evicting) past either', () => {
    const q = new ExpiringQueue<number>({ maxMessages: 3, maxBytes: 100, timeoutMs: 0 }, () => {});
    expect(q.push(1, 40)).toBeNull();
    expect(q.push(2, 40)).toBeNull();
    expect(q.push(3, 40)).toBe('bytes');
    expect(q.push(3, 10)).toBeNull();
    expect(q.push(4, 1)).toBe('messages');
    expect(q.takeAll()).toEqual([1, 2, 3]);
    expect(q.size).toBe(0);
    expect(q.bytes).toBe(0);
  });

  it('expires from the head with one timer, in order, 10,000 entries', () => {
    const expired: number[] = [];
    const q = new ExpiringQueue<number>({ maxMessages: 20_000, maxBytes: 1e9, timeoutMs: 1_000 }, (n) => expired.push(n));
    for (let i = 0; i < 5_000; i++) q.push(i, 1);
    vi.advanceTimersByTime(500);
    for (let i = 5_000; i < 10_000; i++) q.push(i, 1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(600);
    expect(expired).toHaveLength(5_000);
    expect(expired[4_999]).toBe(4_999);
    vi.advanceTimersByTime(500);
    expect(expired).toHaveLength(10_000);
    expect(expired.every((n, i) => n === i)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
