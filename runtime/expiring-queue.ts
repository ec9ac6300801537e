/**
 * A FIFO bounded in messages and bytes whose entries expire: the publishes made while offline, and a resumed
 * session's messages waiting for their subscribe(). Every entry gets the same time to live, so arrival order is
 * expiry order: one timer, set for the oldest entry, expires entries from the head (O(1) each).
 */
import { Fifo } from './fifo.js';

export interface ExpiringQueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  /** Each entry's time to live in ms; 0 = entries never expire. */
  readonly timeoutMs: number;
}

interface Entry<T> {
  readonly item: T;
  readonly bytes: number;
  readonly deadline: number;
}

/** Why push() refused: the bound that is full. */
export type Refusal = 'messages' | 'bytes';

export class ExpiringQueue<T> {
  readonly #limits: ExpiringQueueLimits;
  readonly #onExpire: (item: T) => void;
  readonly #entries = new Fifo<Entry<T>>();
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(limits: ExpiringQueueLimits, onExpire: (item: T) => void) {
    this.#limits = limits;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#entries.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Appends, or says which bound is full. A single message larger than maxBytes is refused as 'bytes'. */
  push(item: T, bytes: number): Refusal | null {
    if (this.#entries.length >= this.#limits.maxMessages) return 'messages';
    if (this.#bytes + bytes > this.#limits.maxBytes) return 'bytes';
    const ms = this.#limits.timeoutMs;
    this.#entries.push({ item, bytes, deadline: ms > 0 ? Date.now() + ms : Infinity });
    this.#bytes += bytes;
    if (this.#timer === undefined && ms > 0) this.#arm();
    return null;
  }

  /** Removes and returns every entry, oldest first. */
  takeAll(): T[] {
    this.#bytes = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#entries.drain().map((e) => e.item);
  }

  /** Removes and returns the entries `take` selects, oldest first; the others keep their place and deadline. */
  takeWhere(take: (item: T) => boolean): T[] {
    const taken = this.#entries.removeWhere((e) => take(e.item));
    for (const e of taken) this.#bytes -= e.bytes;
    if (taken.length > 0) this.#arm();
    return taken.map((e) => e.item);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const first = this.#entries.peek();
    if (first === undefined) return;
    this.#timer = setTimeout(this.#expire, Math.max(0, first.deadline - Date.now()));
    this.#timer.unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    for (let e = this.#entries.peek(); e !== undefined && e.deadline <= now; e = this.#entries.peek()) {
      this.#entries.shift();
      this.#bytes -= e.bytes;
      this.#onExpire(e.item);
    }
    this.#arm();
  };
}
