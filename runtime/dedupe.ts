/**
 * Duplicate detection for Envelopes, with the Python client's key: `type|id` plus `|seq=<n>` when data.seq is
 * an integer, else `|hash=<sha1 of canonical data>`. Memory is bounded by TTL and max entries; each check is
 * O(1): a Map finds keys, a ring of slots in insertion order (which is also expiry order: entries are never
 * refreshed) evicts the oldest.
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
  readonly #cap: number;
  readonly #now: () => number;
  /** key → sequence number of its slot in the ring. */
  readonly #seqOf = new Map<string, number>();
  /** Ring of the remembered keys and when they were first seen, oldest at #tail: eviction never iterates
   *  the Map (a Map whose oldest entries keep being deleted makes `keys().next()` walk the holes). */
  readonly #keys: (string | undefined)[];
  readonly #times: Float64Array;
  #head = 0;
  #tail = 0;

  constructor(options: DedupeOptions) {
    if (!(options.ttlMs > 0) || !(options.maxEntries > 0)) throw new RangeError('Deduper needs ttlMs > 0 and maxEntries > 0');
    this.#ttl = options.ttlMs;
    this.#cap = Math.floor(options.maxEntries);
    this.#now = options.now ?? Date.now;
    this.#keys = new Array<string | undefined>(this.#cap);
    this.#times = new Float64Array(this.#cap);
  }

  get size(): number {
    return this.#head - this.#tail;
  }

  /** True when the same key was seen within the TTL; otherwise remembers it and returns false. */
  isDuplicate(envelope: DedupeInput): boolean {
    const now = this.#now();
    // Expired entries leave from the oldest end, so whatever the Map still holds is within the TTL.
    while (this.#tail < this.#head && now - this.#times[this.#tail % this.#cap]! >= this.#ttl) this.#evictOldest();
    const key = dedupeKey(envelope);
    if (this.#seqOf.has(key)) return true;
    if (this.#head - this.#tail === this.#cap) this.#evictOldest();
    const slot = this.#head % this.#cap;
    this.#keys[slot] = key;
    this.#times[slot] = now;
    this.#seqOf.set(key, this.#head++);
    return false;
  }

  clear(): void {
    this.#seqOf.clear();
    this.#keys.fill(undefined);
    this.#head = this.#tail = 0;
  }

  #evictOldest(): void {
    const seq = this.#tail++;
    const slot = seq % this.#cap;
    const key = this.#keys[slot]!;
    this.#keys[slot] = undefined;
    if (this.#seqOf.get(key) === seq) this.#seqOf.delete(key);
  }
}
