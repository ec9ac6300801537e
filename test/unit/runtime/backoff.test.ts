import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../runtime/index.js';

const fixed = (v: number) => () => v;

describe('backoff - full jitter', () => {
  it('grows exponentially up to the cap when random is at its top', () => {
    const b = new Backoff({ minMs: 500, maxMs: 5000, random: fixed(0.999999) });
    const seq = Array.from({ length: 7 }, () => b.next());
    expect(seq).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('stays at min when random is 0', () => {
    const b = new Backoff({ minMs: 500, maxMs: 5000, random: fixed(0) });
    expect(Array.from({ length: 5 }, () => b.next())).toEqual([500, 500, 500, 500, 500]);
  });

  it('keeps every delay within [min, min(max, min*2^n)]', () => {
    const b = new Backoff({ minMs: 100, maxMs: 3000 });
    for (let n = 0; n < 200; n++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(Math.min(3000, 100 * 2 ** n));
    }
  });

  it('reset starts over', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, random: fixed(0.999999) });
    b.next(); b.next(); b.next();
    expect(b.attempt).toBe(3);
    b.reset();
    expect(b.attempt).toBe(0);
    expect(b.next()).toBe(100);
  });

  it('does not overflow after many attempts', () => {
    const b = new Backoff({ minMs: 1, maxMs: 10, random: fixed(0.5) });
    for (let i = 0; i < 5000; i++) b.next();
    expect(b.next()).toBe(6);
  });
});

describe('backoff - decorrelated jitter', () => {
  it('stays within [min, max] and grows at most 3x per step', () => {
    const b = new Backoff({ minMs: 200, maxMs: 5000, strategy: 'decorrelated' });
    let prev = 200;
    for (let i = 0; i < 200; i++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(Math.min(5000, prev * 3) + 1);
      prev = d;
    }
  });

  it('follows 3x the previous delay at the top of random', () => {
    const b = new Backoff({ minMs: 100, maxMs: 2000, strategy: 'decorrelated', random: fixed(0.999999) });
    expect(Array.from({ length: 5 }, () => b.next())).toEqual([300, 900, 2000, 2000, 2000]);
  });
});

describe('backoff - options', () => {
  it('rejects min <= 0 and max < min', () => {
    expect(() => new Backoff({ minMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => new Backoff({ minMs: 10, maxMs: 5 })).toThrow(RangeError);
  });
});
