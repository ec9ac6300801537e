/** Reconnect delays: exponential growth from min to max with jitter, so a fleet does not reconnect in step. */

export type JitterStrategy = 'full' | 'decorrelated';

export interface BackoffOptions {
  /** Milliseconds, > 0. */
  readonly minMs: number;
  /** Milliseconds, >= minMs. */
  readonly maxMs: number;
  /** 'full' (default): uniform in [min, min(max, min*2^n)]. 'decorrelated': uniform in [min, min(max, 3*previous)]. */
  readonly strategy?: JitterStrategy;
  /** Returns [0, 1); injectable for tests. */
  readonly random?: () => number;
}

export class Backoff {
  readonly #min: number;
  readonly #max: number;
  readonly #strategy: JitterStrategy;
  readonly #random: () => number;
  #attempt = 0;
  #previous: number;

  constructor(options: BackoffOptions) {
    if (!(options.minMs > 0) || !(options.maxMs >= options.minMs)) {
      throw new RangeError(`Backoff needs 0 < minMs <= maxMs (got ${options.minMs}, ${options.maxMs})`);
    }
    this.#min = options.minMs;
    this.#max = options.maxMs;
    this.#strategy = options.strategy ?? 'full';
    this.#random = options.random ?? Math.random;
    this.#previous = this.#min;
  }

  /** Attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  next(): number {
    const n = this.#attempt++;
    let ceiling: number;
    if (this.#strategy === 'decorrelated') {
      ceiling = Math.min(this.#max, this.#previous * 3);
    } else {
      // 2^n overflows to Infinity for large n; Math.min then caps it.
      ceiling = Math.min(this.#max, this.#min * 2 ** n);
    }
    const delay = Math.min(this.#max, Math.max(this.#min, this.#min + this.#random() * (ceiling - this.#min)));
    this.#previous = delay;
    return Math.round(delay);
  }

  reset(): void {
    this.#attempt = 0;
    this.#previous = this.#min;
  }
}
