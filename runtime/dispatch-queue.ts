/**
 * One subscription's messages on their way to its handler: bounded concurrency, bounded memory, and the
 * acknowledgement of each QoS 1/2 message at the point its policy says. Nothing here ever holds MQTT.js's packet
 * queue: a message the subscription cannot take yet waits here with its acknowledgement withheld, and the broker's
 * in-flight window (MQTT 5 Receive Maximum, or the broker's own limit under 3.1.1) stops the broker from sending
 * more QoS 1/2 messages until there is room.
 *
 * A message is `running` (its handler started, at most `concurrency`), `queued` (admitted: within the bound of
 * `maxMessages` and `maxBytes` messages not yet started) or `waiting` (arrived over the bound, policy 'wait').
 * With concurrency 1 handlers see messages in arrival order. A synchronous handler runs inline (no promise, no
 * closure per message).
 *
 * Acknowledgement (`ack`): 'received' releases a message's ticket when it is admitted (at once when there is
 * room); 'handled' when its handler has settled (returned, resolved, thrown or rejected).
 *
 * Overflow (a message arrives with `maxMessages` or `maxBytes` already queued):
 * - 'wait': it waits. A QoS 1/2 message waits unacknowledged: the broker's in-flight window (never more than
 *   65,535 packet ids) is what stops the broker, so their count needs no bound of its own; a QoS 0 message
 *   waits only up to `maxMessages` more. All waiting messages together stay within `maxWaitingBytes`; beyond
 *   that (a broker that ignores its window) the newest is dropped.
 * - 'drop-oldest': the oldest queued message is dropped and the new one admitted.
 * - 'drop-newest': the new message is dropped.
 * A dropped message's ticket is released (the broker must not send it again). Each overflow episode (from the
 * first message over the bound until the queue is empty of waiting messages and back to half the bound) is
 * reported once at its start and once at its end.
 */
import { Fifo } from './fifo.js';

export type OverflowPolicy = 'wait' | 'drop-oldest' | 'drop-newest';
export type AckPolicy = 'received' | 'handled';

/** A withheld acknowledgement; the PUBACK/PUBCOMP goes once every holder released it. */
export interface AckTicket {
  release(): void;
  /** One more holder (the same ticket). */
  retain(): AckTicket;
}

export interface QueueLimits {
  readonly concurrency: number;
  /** Messages admitted but not started. */
  readonly maxMessages: number;
  /** Payload bytes of the messages admitted but not started (one message is always admitted, whatever its size). */
  readonly maxBytes: number;
  /** Payload bytes of the messages waiting over the bound ('wait'). */
  readonly maxWaitingBytes: number;
  readonly overflow: OverflowPolicy;
  readonly ack: AckPolicy;
}

export interface OverflowState {
  readonly queued: number;
  readonly queuedBytes: number;
  readonly waiting: number;
  /** Messages dropped during this episode (so far). */
  readonly dropped: number;
  /** Messages that had to wait during this episode (so far). */
  readonly waited: number;
}

export interface QueueHooks<A, B, C> {
  /** A handler threw or rejected; never rethrown. */
  onError(err: unknown, a: A, b: B, c: C): void;
  /** The first message of an overflow episode could not be admitted. */
  onOverflowStart(state: OverflowState): void;
  /** The episode is over: nothing waits and the queue is back to half its bound. */
  onOverflowEnd(state: OverflowState): void;
  /** A message was dropped by the overflow policy. */
  onDrop(a: A, b: B, c: C): void;
}

type Handler<A, B, C> = (a: A, b: B, c: C) => unknown;

/** MQTT packet ids are 16 bits: no broker can have more unacknowledged QoS 1/2 messages out to one client. */
const MAX_PACKET_IDS = 65_535;

interface Job<A, B, C> {
  a: A;
  b: B;
  c: C;
  bytes: number;
  ticket: AckTicket | null;
}

export interface QueueStats {
  running: number;
  queued: number;
  queuedBytes: number;
  waiting: number;
  dropped: number;
}

export class DispatchQueue<A, B, C> {
  readonly #fn: Handler<A, B, C>;
  readonly #limits: QueueLimits;
  readonly #ackOnReceipt: boolean;
  readonly #hooks: QueueHooks<A, B, C>;
  readonly #queued = new Fifo<Job<A, B, C>>();
  readonly #waiting = new Fifo<Job<A, B, C>>();
  #queuedBytes = 0;
  #waitingBytes = 0;
  #active = 0;
  #stopped = false;
  #dropped = 0;
  #episode: { dropped: number; waited: number } | null = null;
  #idleWaiters: (() => void)[] = [];
  readonly #done = (): void => this.#finish();

  constructor(fn: Handler<A, B, C>, limits: QueueLimits, hooks: QueueHooks<A, B, C>) {
    if (!Number.isInteger(limits.concurrency) || limits.concurrency < 1) throw new RangeError('concurrency must be an integer >= 1');
    if (!Number.isInteger(limits.maxMessages) || limits.maxMessages < 1) throw new RangeError('maxPending must be an integer >= 1');
    if (!(limits.maxBytes >= 1)) throw new RangeError('maxPendingBytes must be >= 1');
    this.#fn = fn;
    this.#limits = limits;
    this.#ackOnReceipt = limits.ack === 'received';
    this.#hooks = hooks;
  }

  get active(): number {
    return this.#active;
  }

  /** Queued and waiting messages (not started). */
  get size(): number {
    return this.#queued.length + this.#waiting.length;
  }

  stats(): QueueStats {
    return { running: this.#active, queued: this.#queued.length, queuedBytes: this.#queuedBytes, waiting: this.#waiting.length, dropped: this.#dropped };
  }

  /**
   * Takes one message. `hold` withholds its acknowledgement (null for QoS 0); it is called only when the message
   * cannot be acknowledged now: with ack 'handled', or when the message has to wait.
   */
  push(a: A, b: B, c: C, bytes: number, hold: () => AckTicket | null): void {
    if (this.#stopped) return;
    const lim = this.#limits;
    const handled = !this.#ackOnReceipt;
    const queued = this.#queued.length;
    const waiting = this.#waiting.length;
    if (this.#active < lim.concurrency && queued === 0 && waiting === 0) {
      this.#run({ a, b, c, bytes, ticket: handled ? hold() : null });
      return;
    }
    if (waiting === 0 && this.#fits(bytes)) {
      this.#enqueue({ a, b, c, bytes, ticket: handled ? hold() : null });
      return;
    }
    const episode = this.#beginEpisode();
    switch (lim.overflow) {
      case 'wait': {
        const ticket = hold();
        const room = ticket !== null ? waiting < MAX_PACKET_IDS : waiting < lim.maxMessages;
        if (waiting === 0 || (room && this.#waitingBytes + bytes <= lim.maxWaitingBytes)) {
          this.#waiting.push({ a, b, c, bytes, ticket });
          this.#waitingBytes += bytes;
          episode.waited++;
          return;
        }
        this.#drop({ a, b, c, bytes, ticket });
        return;
      }
      case 'drop-newest':
        this.#drop({ a, b, c, bytes, ticket: null });
        return;
      case 'drop-oldest':
        // Evict the oldest queued messages until the new one fits (there is always room for one).
        while (this.#queued.length > 0 && !this.#fits(bytes)) this.#drop(this.#take());
        this.#enqueue({ a, b, c, bytes, ticket: handled ? hold() : null });
        return;
    }
  }

  /** Room in the queue for a message of `bytes` (one message always fits, whatever its size). */
  #fits(bytes: number): boolean {
    const n = this.#queued.length;
    return n === 0 || (n < this.#limits.maxMessages && this.#queuedBytes + bytes <= this.#limits.maxBytes);
  }

  #enqueue(job: Job<A, B, C>): void {
    this.#queued.push(job);
    this.#queuedBytes += job.bytes;
  }

  #take(): Job<A, B, C> {
    const job = this.#queued.shift()!;
    this.#queuedBytes -= job.bytes;
    return job;
  }

  /**
   * No new handler starts after this; returns how many queued and waiting messages were discarded. `ackDropped`:
   * release their tickets (unsubscribe on a live connection: the broker must not keep them in flight) or not
   * (close: a persistent session gets the unacknowledged ones again).
   */
  stop(ackDropped: boolean): number {
    if (this.#stopped) return 0;
    this.#stopped = true;
    const jobs = [...this.#queued.drain(), ...this.#waiting.drain()];
    if (ackDropped) for (const job of jobs) job.ticket?.release();
    this.#queuedBytes = this.#waitingBytes = 0;
    if (this.#episode !== null) {
      const episode = this.#episode;
      this.#episode = null;
      this.#hooks.onOverflowEnd(this.#state(episode));
    }
    this.#notifyIfIdle();
    return jobs.length;
  }

  /**
   * The connection that delivered the messages still holding an acknowledgement is gone, and the broker will send
   * them again (a persistent session): drop the ones not started, so they are handled once, from the redelivery.
   * Returns how many were dropped.
   */
  dropUnacknowledged(): number {
    const unacked = (job: Job<A, B, C>): boolean => job.ticket !== null;
    const fromQueue = this.#queued.removeWhere(unacked);
    const fromWaiting = this.#waiting.removeWhere(unacked);
    for (const job of fromQueue) this.#queuedBytes -= job.bytes;
    for (const job of fromWaiting) this.#waitingBytes -= job.bytes;
    return fromQueue.length + fromWaiting.length;
  }

  /** Resolves when no handler is running (queued ones count only if not stopped). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Runs a handler; its ticket (ack 'handled' only) is released when the handler settles. A synchronous handler
   *  is finished (slot freed) when this returns. Nothing the handler returns or throws escapes. */
  #run(job: Job<A, B, C>): void {
    const { a, b, c, ticket } = job;
    this.#active++;
    let result: unknown;
    try {
      result = this.#fn(a, b, c);
    } catch (err) {
      this.#settled(ticket, err, a, b, c);
      this.#active--;
      this.#notifyIfIdle();
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      try {
        (result as PromiseLike<unknown>).then(
          ticket === null
            ? this.#done
            : () => {
                ticket.release();
                this.#finish();
              },
          (err: unknown) => {
            this.#settled(ticket, err, a, b, c);
            this.#finish();
          },
        );
        return;
      } catch (err) {
        // A thenable whose then() throws: count it as the handler's failure.
        this.#settled(ticket, err, a, b, c);
      }
    } else {
      ticket?.release();
    }
    this.#active--;
    this.#notifyIfIdle();
  }

  /** A handler failed: release its ticket, report (a throwing hook is contained). */
  #settled(ticket: AckTicket | null, err: unknown, a: A, b: B, c: C): void {
    ticket?.release();
    try {
      this.#hooks.onError(err, a, b, c);
    } catch {
      // the hook's own failure must not wedge the queue
    }
  }

  #finish(): void {
    this.#active--;
    this.#pump();
  }

  /** Starts queued jobs while slots are free, admitting waiting ones as room appears; a loop, so synchronous
   *  handlers never recurse. */
  #pump(): void {
    const lim = this.#limits;
    while (!this.#stopped) {
      this.#admit();
      if (this.#active >= lim.concurrency || this.#queued.length === 0) break;
      this.#run(this.#take());
    }
    this.#endEpisodeIfCaughtUp();
    this.#notifyIfIdle();
  }

  /** Moves waiting jobs into the queue while they fit, releasing their tickets ('received'). */
  #admit(): void {
    for (let job = this.#waiting.peek(); job !== undefined && this.#fits(job.bytes); job = this.#waiting.peek()) {
      this.#waiting.shift();
      this.#waitingBytes -= job.bytes;
      if (this.#ackOnReceipt && job.ticket !== null) {
        job.ticket.release();
        job.ticket = null;
      }
      this.#enqueue(job);
    }
  }

  #drop(job: Job<A, B, C>): void {
    job.ticket?.release();
    this.#dropped++;
    if (this.#episode !== null) this.#episode.dropped++;
    this.#hooks.onDrop(job.a, job.b, job.c);
  }

  #beginEpisode(): { dropped: number; waited: number } {
    if (this.#episode !== null) return this.#episode;
    const episode = { dropped: 0, waited: 0 };
    this.#episode = episode;
    this.#hooks.onOverflowStart(this.#state(episode));
    return episode;
  }

  #endEpisodeIfCaughtUp(): void {
    const episode = this.#episode;
    if (episode === null || this.#waiting.length > 0) return;
    if (this.#queued.length * 2 > this.#limits.maxMessages || this.#queuedBytes * 2 > this.#limits.maxBytes) return;
    this.#episode = null;
    this.#hooks.onOverflowEnd(this.#state(episode));
  }

  #state(episode: { dropped: number; waited: number }): OverflowState {
    return { queued: this.#queued.length, queuedBytes: this.#queuedBytes, waiting: this.#waiting.length, dropped: episode.dropped, waited: episode.waited };
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || this.#active !== 0 || (!this.#stopped && this.size > 0)) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}
