/**
 * Runs one subscription's handler with bounded concurrency. A message runs at once when a slot is free (a
 * synchronous handler finishes inline, with no promise or closure); otherwise it waits in a FIFO, so with
 * concurrency 1 handlers see messages in arrival order. Crossing the high-water mark tells the owner to stop
 * reading from the socket; dropping to half of it tells it to resume.
 */

export interface QueueHooks<A, B, C> {
  /** A handler threw or rejected; never rethrown. */
  onError(err: unknown, a: A, b: B, c: C): void;
  onHighWater(): void;
  onLowWater(): void;
}

type Handler<A, B, C> = (a: A, b: B, c: C) => unknown;

interface Job<A, B, C> {
  a: A;
  b: B;
  c: C;
}

export class DispatchQueue<A, B, C> {
  readonly #fn: Handler<A, B, C>;
  readonly #concurrency: number;
  readonly #high: number;
  readonly #low: number;
  readonly #hooks: QueueHooks<A, B, C>;
  #jobs: (Job<A, B, C> | undefined)[] = [];
  #head = 0;
  #active = 0;
  #stopped = false;
  #overHigh = false;
  #idleWaiters: (() => void)[] = [];
  readonly #done = (): void => this.#finish();

  constructor(fn: Handler<A, B, C>, concurrency: number, highWaterMark: number, hooks: QueueHooks<A, B, C>) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be an integer >= 1');
    this.#fn = fn;
    this.#concurrency = concurrency;
    this.#high = Math.max(1, highWaterMark);
    this.#low = Math.floor(this.#high / 2);
    this.#hooks = hooks;
  }

  get active(): number {
    return this.#active;
  }

  get size(): number {
    return this.#jobs.length - this.#head;
  }

  push(a: A, b: B, c: C): void {
    if (this.#stopped) return;
    if (this.#active < this.#concurrency && this.size === 0) {
      this.#start(a, b, c);
      return;
    }
    this.#jobs.push({ a, b, c });
    if (!this.#overHigh && this.size >= this.#high) {
      this.#overHigh = true;
      this.#hooks.onHighWater();
    }
  }

  /** No new handler starts after this; returns how many queued messages were discarded. */
  stop(): number {
    if (this.#stopped) return 0;
    this.#stopped = true;
    const dropped = this.size;
    this.#jobs = [];
    this.#head = 0;
    this.#releaseHigh();
    if (this.#active === 0) this.#notifyIdle();
    return dropped;
  }

  /** Resolves when no handler is running (queued ones count only if not stopped). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Runs a handler; a synchronous one is finished (slot freed) when this returns. */
  #start(a: A, b: B, c: C): void {
    this.#active++;
    let result: unknown;
    try {
      result = this.#fn(a, b, c);
    } catch (err) {
      this.#active--;
      this.#hooks.onError(err, a, b, c);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(this.#done, (err: unknown) => {
        this.#hooks.onError(err, a, b, c);
        this.#finish();
      });
      return;
    }
    this.#active--;
  }

  #finish(): void {
    this.#active--;
    this.#pump();
  }

  /** Starts queued jobs while slots are free; a loop, so synchronous handlers never recurse. */
  #pump(): void {
    while (!this.#stopped && this.#active < this.#concurrency && this.size > 0) {
      const job = this.#jobs[this.#head]!;
      this.#jobs[this.#head++] = undefined;
      if (this.#head > 1024 && this.#head * 2 > this.#jobs.length) {
        this.#jobs = this.#jobs.slice(this.#head);
        this.#head = 0;
      }
      if (this.#overHigh && this.size <= this.#low) this.#releaseHigh();
      this.#start(job.a, job.b, job.c);
    }
    if (this.size === 0 && this.#head > 0) {
      this.#jobs = [];
      this.#head = 0;
    }
    if (this.#active === 0 && this.size === 0) this.#notifyIdle();
  }

  #releaseHigh(): void {
    if (!this.#overHigh) return;
    this.#overHigh = false;
    this.#hooks.onLowWater();
  }

  #notifyIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
