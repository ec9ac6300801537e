/**
 * Duplicate detection for Envelopes, with the Python client's key: `type|id` plus `|seq=<n>` when data.seq is
 * an integer, else `|hash=<sha1 of canonical data>`. Memory is bounded by TTL and max entries; each check is
 * O(1) amortised because a Map keeps insertion order, which is also expiry order (entries are never refreshed).
 */
import * as crypto from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

export interface DedupeOptions {
  /** Milliseconds a key is remembered. */
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export interface DedupeInput {
  readonly type: string;
  readonly id: string;
  readonly data: unknown;
}

export function dedupeKey(envelope: DedupeInput): string {
  const data = envelope.data;
  const base = `${envelope.type}|${envelope.id}`;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const seq = (data as { seq?: unknown }).seq;
    if (typeof seq === 'number' && Number.isInteger(seq)) return `${base}|seq=${seq}`;
  }
  return `${base}|hash=${sha1Base64(canonicalJson(data))}`;
}

type OneShotHash = (algorithm: string, data: string, encoding: 'base64') => string;
/** Node >= 20.12 has the one-shot crypto.hash (~3x cheaper than createHash for short input). */
const oneShot = (crypto as { hash?: OneShotHash }).hash;

function sha1Base64(text: string): string {
  return oneShot !== undefined ? oneShot('sha1', text, 'base64') : crypto.createHash('sha1').update(text).digest('base64');
}

export class Deduper {
  readonly #ttl: number;
  readonly #max: number;
  readonly #now: () => number;
  /** key → time first seen. */
  readonly #seen = new Map<string, number>();
  /** A lower bound of the oldest entry's time: nothing can expire while now - #oldest < ttl. */
  #oldest = Infinity;

  constructor(options: DedupeOptions) {
    if (!(options.ttlMs > 0) || !(options.maxEntries > 0)) throw new RangeError('Deduper needs ttlMs > 0 and maxEntries > 0');
    this.#ttl = options.ttlMs;
    this.#max = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** True when the same key was seen within the TTL; otherwise remembers it and returns false. */
  isDuplicate(envelope: DedupeInput): boolean {
    const now = this.#now();
    if (now - this.#oldest >= this.#ttl) this.#expire(now);
    const key = dedupeKey(envelope);
    const at = this.#seen.get(key);
    if (at !== undefined) {
      if (now - at < this.#ttl) return true;
      this.#seen.delete(key);
    }
    this.#seen.set(key, now);
    if (now < this.#oldest) this.#oldest = now;
    if (this.#seen.size > this.#max) {
      const oldest = this.#seen.keys().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    return false;
  }

  clear(): void {
    this.#seen.clear();
    this.#oldest = Infinity;
  }

  /** Drops expired entries from the front (insertion order is time order) and records the new oldest time. */
  #expire(now: number): void {
    for (const [key, at] of this.#seen) {
      if (now - at < this.#ttl) {
        this.#oldest = at;
        return;
      }
      this.#seen.delete(key);
    }
    this.#oldest = Infinity;
  }
}
