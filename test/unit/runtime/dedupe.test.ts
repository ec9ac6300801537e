import { describe, expect, it } from 'vitest';
import { canonicalJson, Deduper, dedupeKey } from '../../../runtime/index.js';

function clock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('dedupe - key', () => {
  it('uses seq when data.seq is an integer', () => {
    expect(dedupeKey({ type: 'llm.stream', id: 'abc', data: { seq: 3, delta: 'x' } })).toBe('llm.stream|abc|seq=3');
    expect(dedupeKey({ type: 'llm.stream', id: 'abc', data: { seq: 3, delta: 'other' } })).toBe('llm.stream|abc|seq=3');
  });

  it('hashes the canonical data when seq is not an integer', () => {
    const a = dedupeKey({ type: 't', id: 'i', data: { seq: 1.5, b: 1, a: { y: 2, x: 1 } } });
    const b = dedupeKey({ type: 't', id: 'i', data: { a: { x: 1, y: 2 }, b: 1, seq: 1.5 } });
    expect(a).toBe(b);
    expect(a).toMatch(/^t\|i\|hash=/);
    expect(dedupeKey({ type: 't', id: 'i', data: { seq: '1' } })).toMatch(/\|hash=/);
    expect(dedupeKey({ type: 't', id: 'i', data: { b: 2 } })).not.toBe(dedupeKey({ type: 't', id: 'i', data: { b: 3 } }));
  });

  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[3,{"c":2,"d":1}]}');
    expect(canonicalJson('x')).toBe('"x"');
  });
});

describe('dedupe - Deduper', () => {
  const env = (id: string, data: unknown = { x: 1 }) => ({ type: 't', id, data });

  it('flags a repeat within the TTL and forgets it after', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 1000, maxEntries: 10, now: c.now });
    expect(d.isDuplicate(env('a'))).toBe(false);
    expect(d.isDuplicate(env('a'))).toBe(true);
    c.advance(999);
    expect(d.isDuplicate(env('a'))).toBe(true);
    c.advance(1);
    expect(d.isDuplicate(env('a'))).toBe(false);
    expect(d.isDuplicate(env('a'))).toBe(true);
  });

  it('does not refresh the first-seen time on a duplicate', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 100, maxEntries: 10, now: c.now });
    d.isDuplicate(env('a'));
    c.advance(60);
    expect(d.isDuplicate(env('a'))).toBe(true);
    c.advance(60);
    expect(d.isDuplicate(env('a'))).toBe(false);
  });

  it('evicts expired entries from the head so memory stays bounded by the TTL', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 100, maxEntries: 1000, now: c.now });
    for (let i = 0; i < 50; i++) d.isDuplicate(env(`k${i}`));
    expect(d.size).toBe(50);
    c.advance(100);
    d.isDuplicate(env('new'));
    expect(d.size).toBe(1);
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 10_000, maxEntries: 3, now: c.now });
    for (const k of ['a', 'b', 'c', 'd']) d.isDuplicate(env(k));
    expect(d.size).toBe(3);
    expect(d.isDuplicate(env('a'))).toBe(false); // evicted
    expect(d.isDuplicate(env('d'))).toBe(true);
  });

  it('treats stream deltas with distinct seq as distinct and the same seq as duplicates', () => {
    const d = new Deduper({ ttlMs: 1000, maxEntries: 10 });
    expect(d.isDuplicate({ type: 'llm.stream', id: 'r', data: { seq: 1, t: 'a' } })).toBe(false);
    expect(d.isDuplicate({ type: 'llm.stream', id: 'r', data: { seq: 2, t: 'b' } })).toBe(false);
    expect(d.isDuplicate({ type: 'llm.stream', id: 'r', data: { seq: 2, t: 'c' } })).toBe(true);
    expect(d.isDuplicate({ type: 'llm.response', id: 'r', data: { seq: 2, t: 'c' } })).toBe(false);
  });

  it('rejects a zero TTL or size', () => {
    expect(() => new Deduper({ ttlMs: 0, maxEntries: 1 })).toThrow(RangeError);
    expect(() => new Deduper({ ttlMs: 1, maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('dedupe - canonical JSON and expiry details', () => {
  it('canonicalJson = sorted keys + JSON.stringify of each piece (escapes, unicode, nesting, many keys)', () => {
    // Reference: sorted keys with Array.prototype.sort, each piece by JSON.stringify (integer-like keys
    // such as '10' and '9' sort as strings, which an object literal could not express).
    const ref = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(ref).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${ref(o[k])}`).join(',')}}`;
      }
      return JSON.stringify(v);
    };
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
    const cases: unknown[] = [
      { 'b"q': 1, 'a\\': 'x\ny', é: true, Z: false, '\u0001': null, nested: { z: [1, { y: 2, x: -0 }], a: 1.5e-7 } },
      many,
      [{ b: 1, a: 2 }, 'str', 3, null, true],
      { a: '\ud800', ä: 'ü', '10': 1, '9': 2, B: 3, b: 4 },
    ];
    for (const c of cases) expect(canonicalJson(c)).toBe(ref(c));
  });

  it('still expires by TTL after max-entry evictions', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 100, maxEntries: 2, now: c.now });
    d.isDuplicate(env2('a'));
    c.advance(50);
    d.isDuplicate(env2('b'));
    d.isDuplicate(env2('c')); // evicts a
    c.advance(60); // b (t=50) and c (t=50) are 60 ms old: not expired
    expect(d.isDuplicate(env2('b'))).toBe(true);
    c.advance(40); // now 100 ms old: expired
    expect(d.isDuplicate(env2('b'))).toBe(false);
    expect(d.size).toBe(1);
  });

  it('stays bounded over many rounds of the ring, and a key evicted by size is new again', () => {
    const c = clock();
    const d = new Deduper({ ttlMs: 1_000_000, maxEntries: 3, now: c.now });
    for (let i = 0; i < 1000; i++) expect(d.isDuplicate(env2(`k${i}`))).toBe(false);
    expect(d.size).toBe(3);
    // The last three are remembered, everything before them was evicted in order.
    expect(d.isDuplicate(env2('k999'))).toBe(true);
    expect(d.isDuplicate(env2('k997'))).toBe(true);
    expect(d.isDuplicate(env2('k996'))).toBe(false); // evicted; remembered again, evicting k997
    expect(d.isDuplicate(env2('k997'))).toBe(false);
    d.clear();
    expect(d.size).toBe(0);
    expect(d.isDuplicate(env2('k999'))).toBe(false);
  });
});

function env2(id: string) {
  return { type: 't', id, data: { x: 1 } };
}
