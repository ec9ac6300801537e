/**
 * A first-in first-out queue on a growable ring buffer: push and shift are O(1), memory follows the length (it
 * never keeps the slots of items already taken, unlike an array with a moving head). Used by every queue of the
 * runtime: a subscription's queued and waiting messages, the offline queue, a resumed session's held messages.
 */
export class Fifo<T> {
  #slots: (T | undefined)[] = new Array<T | undefined>(8);
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(item: T): void {
    if (this.#length === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#length) % this.#slots.length] = item;
    this.#length++;
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#length--;
    if (this.#length === 0) this.#head = 0;
    else if (this.#slots.length > 64 && this.#length * 4 <= this.#slots.length) this.#shrink();
    return item;
  }

  /** The oldest item, kept; undefined when empty. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#slots[this.#head];
  }

  /** Removes everything; returns the items, oldest first. */
  drain(): T[] {
    const out = this.toArray();
    this.#slots = new Array<T | undefined>(8);
    this.#head = 0;
    this.#length = 0;
    return out;
  }

  /** Takes out the items for which `remove` is true (returned oldest first); the rest stay in order. */
  removeWhere(remove: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (const item of this.drain()) (remove(item) ? removed : kept).push(item);
    for (const item of kept) this.push(item);
    return removed;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) out.push(this.#slots[(this.#head + i) % this.#slots.length] as T);
    return out;
  }

  #grow(): void {
    this.#resize(this.#slots.length * 2);
  }

  #shrink(): void {
    this.#resize(Math.max(8, this.#slots.length >> 1));
  }

  #resize(size: number): void {
    const next = new Array<T | undefined>(size);
    for (let i = 0; i < this.#length; i++) next[i] = this.#slots[(this.#head + i) % this.#slots.length];
    this.#slots = next;
    this.#head = 0;
  }
}
