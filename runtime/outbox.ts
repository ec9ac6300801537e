/**
 * The outbound pipeline: one publish (all its attempts) from the caller to its acknowledgement.
 *
 * - Online, QoS 0 goes straight to the socket without a per-message MQTT.js callback (MQTT.js adds a 'drain'
 *   listener per callback while the socket buffer is full, and removing thousands is quadratic); writes into a
 *   full buffer resolve together at the socket's next 'drain'.
 * - QoS 1/2 resolve at PUBACK/PUBCOMP. One timer serves every unacknowledged publish (the same timeout for all,
 *   so insertion order is deadline order); a timed-out publish is withdrawn from MQTT.js before a retry, so a
 *   late acknowledgement cannot make it a duplicate.
 * - Offline (not connected, or resubscribing after a reconnect), publishes wait in a bounded ExpiringQueue and are
 *   sent in order once subscriptions are back. QoS 0 is refused with NotConnectedError unless `queueQos0`.
 * - Retries: `retries` more attempts after a failed or unacknowledged one, `retryDelayMs` apart. Waiting offline
 *   past the timeout is final (a retry would only wait again).
 */
import { ClosedError, NotConnectedError, OfflineQueueFullError, PublishFailedError } from './errors.js';
import { correlationOf, serializeError, type Logger } from './logger.js';
import { writesImmediately } from './mqtt-internals.js';
import { ExpiringQueue } from './expiring-queue.js';
import type { QoS } from './descriptor.js';
import type { ClientStats } from './types.js';
import type { MqttTransport } from './transport.js';

export interface OutboxOptions {
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Acknowledgement (and offline) timeout; 0 = none. */
  readonly timeoutMs: number;
  readonly offline: { readonly maxMessages: number; readonly maxBytes: number; readonly qos0: boolean };
}

export interface OutboxHost {
  readonly mqtt: MqttTransport;
  readonly logger: Logger;
  readonly counters: ClientStats;
  /** 'open' | 'closing' | 'closed' (or 'connecting'). */
  state(): string;
}

/** One publish() (all its attempts): plain data, so the hot path allocates no closure per message. */
interface SendJob {
  readonly topic: string;
  readonly payload: string | Buffer;
  readonly bytes: number;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly retries: number;
  readonly id: unknown;
  readonly data: unknown;
  /** 1-based number of the current attempt. */
  attempt: number;
  /** The current attempt has its outcome (later MQTT.js callbacks for it are ignored). */
  settled: boolean;
  /** Acknowledgement deadline (ms since epoch; Infinity with no timeout) while in #pending, else 0. */
  deadline: number;
  messageId: number | undefined;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

type PublishCallback = (err?: Error | null) => void;

const NOT_WRITTEN = 0;
const WRITTEN = 1;
const WRITTEN_NEED_DRAIN = 2;
const QOS0 = Object.freeze({ qos: 0, retain: false } as const);
const QOS0_RETAIN = Object.freeze({ qos: 0, retain: true } as const);
const QOS1 = Object.freeze({ qos: 1, retain: false } as const);
const QOS1_RETAIN = Object.freeze({ qos: 1, retain: true } as const);
const QOS2 = Object.freeze({ qos: 2, retain: false } as const);
const QOS2_RETAIN = Object.freeze({ qos: 2, retain: true } as const);
const CLOSING = 'client disconnecting';

// new Promise(captureResolvers) hands out resolve/reject without allocating an executor closure per call.
let capturedResolve: (v: never) => void;
let capturedReject: (e: Error) => void;
function captureResolvers(resolve: (v: never) => void, reject: (e: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

function unrefTimer(t: NodeJS.Timeout): NodeJS.Timeout {
  t.unref();
  return t;
}

export class Outbox {
  readonly #host: OutboxHost;
  readonly #o: OutboxOptions;
  readonly #offline: ExpiringQueue<SendJob>;
  /** QoS > 0 publishes waiting for their acknowledgement, in deadline order. */
  readonly #pending = new Set<SendJob>();
  #ackTimer: NodeJS.Timeout | undefined;
  /** QoS 0 publishes written into a full socket buffer, resolved together at its 'drain'. */
  #drainJobs: SendJob[] = [];
  #drainStream: NonNullable<MqttTransport['stream']> | undefined;
  /** Connected and resubscribed: publishes may go to the wire. */
  #online = false;

  constructor(host: OutboxHost, options: OutboxOptions) {
    this.#host = host;
    this.#o = options;
    this.#offline = new ExpiringQueue<SendJob>(
      { maxMessages: options.offline.maxMessages, maxBytes: options.offline.maxBytes, timeoutMs: options.timeoutMs },
      (job) => this.#expired(job),
    );
  }

  get online(): boolean {
    return this.#online;
  }

  /** Offline from now on (the connection closed). */
  goOffline(): void {
    this.#online = false;
  }

  /** Online again (subscriptions restored): sends what waited, in order. */
  goOnline(): void {
    this.#online = true;
    for (const job of this.#offline.takeAll()) this.#wire(job);
  }

  /** Publishes with retries; resolves with `id` at PUBACK (QoS 1) / PUBCOMP (QoS 2) / write (QoS 0). */
  send<R>(topic: string, payload: string | Buffer, bytes: number, qos: QoS, retain: boolean, retries: number, id: R, data: unknown): Promise<R> {
    let wrote = NOT_WRITTEN;
    // The QoS 0 fast path (as #wire does it, but without allocating a job for the common case).
    if (qos === 0) {
      if (this.#online) {
        wrote = this.#writeQos0(topic, payload, retain);
        if (wrote === WRITTEN) {
          // The common case: handed to the socket, nothing to wait for (no job, no closure, no timer).
          this.#host.counters.published++;
          return Promise.resolve(id);
        }
      } else if (!this.#o.offline.qos0) {
        return Promise.reject(new NotConnectedError(`publish to ${topic} refused: not connected (QoS 0 is not queued offline)`));
      }
    }
    const promise = new Promise<R>(captureResolvers);
    const job: SendJob = {
      topic, payload, bytes, qos, retain, retries, id, data, attempt: 0, settled: false, deadline: 0, messageId: undefined,
      resolve: capturedResolve as (v: unknown) => void, reject: capturedReject,
    };
    capturedResolve = capturedReject = undefined!;
    if (wrote === WRITTEN_NEED_DRAIN) {
      job.attempt = 1;
      this.#waitDrain(job);
    } else {
      this.#attempt(job);
    }
    return promise;
  }

  /** close(): everything still waiting can never complete (MQTT.js does not call back QoS 1/2 publishes it holds
   *  at end()): reject it with ClosedError now, not at its timeout. */
  failAll(): void {
    for (const job of this.#offline.takeAll()) this.#settle(job, new Error(CLOSING));
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const job of this.#pending) this.#settle(job, new Error(CLOSING));
    this.#pending.clear();
    this.#releaseDrain(new Error(CLOSING));
  }

  #settle(job: SendJob, err: Error | undefined): void {
    job.settled = true;
    this.#finish(job, err);
  }

  /** One attempt's outcome (write, acknowledgement, or failure). */
  #finish(job: SendJob, err: Error | null | undefined): void {
    if (!err) {
      this.#host.counters.published++;
      job.resolve(job.id);
      return;
    }
    const topic = job.topic;
    const state = this.#host.state();
    if (state === 'closed' || state === 'closing' || err.message === CLOSING) {
      job.reject(new ClosedError(`publish to ${topic} aborted: client ${state === 'closing' ? 'closing' : 'closed'}`));
      return;
    }
    const attempt = job.attempt;
    const log = this.#host.logger;
    const corr = correlationOf(typeof job.id === 'string' ? job.id : undefined, job.data);
    if (attempt <= job.retries) {
      log.warn({ topic, attempt, ...corr, err: serializeError(err) }, 'publish failed, retrying');
      setTimeout(() => this.#attempt(job), this.#o.retryDelayMs).unref();
      return;
    }
    log.error({ topic, attempts: attempt, ...corr, err: serializeError(err) }, 'publish failed');
    job.reject(new PublishFailedError(topic, attempt, err));
  }

  #expired(job: SendJob): void {
    if (job.settled) return;
    job.settled = true;
    const err = new Error(`not connected within ${this.#o.timeoutMs} ms`);
    this.#host.logger.error({ topic: job.topic, attempts: job.attempt, err: serializeError(err) }, 'publish failed');
    job.reject(new PublishFailedError(job.topic, job.attempt, err));
  }

  /** The MQTT.js callback of one attempt: ignored once the attempt timed out or a newer attempt started. */
  #callbackFor(job: SendJob): PublishCallback {
    const attempt = job.attempt;
    return (err) => {
      if (job.settled || job.attempt !== attempt) return;
      job.settled = true;
      if (job.deadline !== 0) this.#pending.delete(job);
      this.#finish(job, err);
    };
  }

  #attempt(job: SendJob): void {
    job.attempt++;
    job.settled = false;
    job.deadline = 0;
    job.messageId = undefined;
    if (this.#host.state() === 'closed') {
      // A retry that came due after close(): nothing will flush the offline queue any more.
      this.#settle(job, new Error(CLOSING));
      return;
    }
    if (this.#online) {
      this.#wire(job);
      return;
    }
    if (job.qos === 0 && !this.#o.offline.qos0) {
      job.settled = true;
      job.reject(new NotConnectedError(`publish to ${job.topic} refused: not connected (QoS 0 is not queued offline)`));
      return;
    }
    const full = this.#offline.push(job, job.bytes);
    if (full !== null) {
      job.settled = true;
      const o = this.#o.offline;
      const limit = full === 'messages' ? `${o.maxMessages} messages` : `${o.maxBytes} bytes`;
      this.#host.logger.warn({ topic: job.topic, limit }, 'offline queue full: publish refused');
      job.reject(new OfflineQueueFullError(job.topic, limit));
    }
  }

  /** QoS 0 straight to the socket when MQTT.js writes at once; otherwise NOT_WRITTEN (MQTT.js's queueing applies). */
  #writeQos0(topic: string, payload: string | Buffer, retain: boolean): number {
    const m = this.#host.mqtt;
    if (!writesImmediately(m)) return NOT_WRITTEN;
    m.publish(topic, payload, retain ? QOS0_RETAIN : QOS0);
    const st = m.stream;
    return st !== undefined && st.writableNeedDrain === true && st.once !== undefined ? WRITTEN_NEED_DRAIN : WRITTEN;
  }

  /** Written into a full socket buffer: resolves at the socket's next 'drain', all waiters behind one listener. */
  #waitDrain(job: SendJob): void {
    const st = this.#host.mqtt.stream!;
    if (this.#drainStream !== st) {
      if (this.#drainStream !== undefined) this.#releaseDrain(new Error('connection replaced before the write was flushed'));
      this.#drainStream = st;
      st.once!('drain', this.#onDrain);
      st.once!('close', this.#onDrainClose);
    }
    this.#drainJobs.push(job);
  }

  readonly #onDrain = (): void => this.#releaseDrain(undefined);

  readonly #onDrainClose = (): void => {
    // Still in the socket's buffer when it closed: not sent. Retried (after the reconnect) unless closing.
    this.#releaseDrain(new Error(this.#host.state() === 'open' ? 'connection closed before the write was flushed' : CLOSING));
  };

  #releaseDrain(err: Error | undefined): void {
    const st = this.#drainStream;
    if (st === undefined) return;
    this.#drainStream = undefined;
    st.removeListener?.('drain', this.#onDrain);
    st.removeListener?.('close', this.#onDrainClose);
    const jobs = this.#drainJobs;
    this.#drainJobs = [];
    for (const job of jobs) this.#settle(job, err);
  }

  /** Hands a publish to MQTT.js; for QoS > 0 with a timeout, withdraws it if no acknowledgement comes. */
  #wire(job: SendJob): void {
    const m = this.#host.mqtt;
    const { topic, payload, qos, retain } = job;
    if (qos === 0) {
      const w = this.#writeQos0(topic, payload, retain);
      if (w === WRITTEN) this.#settle(job, undefined);
      else if (w === WRITTEN_NEED_DRAIN) this.#waitDrain(job);
      else m.publish(topic, payload, retain ? QOS0_RETAIN : QOS0, this.#callbackFor(job));
      return;
    }
    const opts = qos === 1 ? (retain ? QOS1_RETAIN : QOS1) : retain ? QOS2_RETAIN : QOS2;
    const ms = this.#o.timeoutMs;
    if (ms === 0) {
      m.publish(topic, payload, opts, this.#callbackFor(job));
      if (job.settled) return;
      // No deadline, no timer: tracked only so that close() can reject it.
      job.deadline = Infinity;
      this.#pending.add(job);
      return;
    }
    const before = m.getLastMessageId?.();
    m.publish(topic, payload, opts, this.#callbackFor(job));
    if (job.settled) return; // acknowledged synchronously (fake transports)
    const after = m.getLastMessageId?.();
    if (after !== undefined && after !== before) job.messageId = after;
    job.deadline = Date.now() + ms;
    this.#pending.add(job);
    if (this.#ackTimer === undefined) this.#ackTimer = unrefTimer(setTimeout(this.#onAckTimer, ms));
  }

  readonly #onAckTimer = (): void => {
    this.#ackTimer = undefined;
    const now = Date.now();
    const m = this.#host.mqtt;
    const ms = this.#o.timeoutMs;
    for (const job of this.#pending) {
      if (job.deadline > now) {
        this.#ackTimer = unrefTimer(setTimeout(this.#onAckTimer, job.deadline - now));
        return;
      }
      this.#pending.delete(job);
      // Settled first: MQTT.js calls the publish back synchronously ("Message removed") from removeOutgoingMessage,
      // and that callback must not count as a second outcome (it would schedule a second retry).
      job.settled = true;
      if (job.messageId !== undefined && m.removeOutgoingMessage) {
        // Withdrawn, so a retry cannot duplicate it.
        m.removeOutgoingMessage(job.messageId);
        this.#finish(job, new Error(`no acknowledgement within ${ms} ms`));
      } else {
        // Its id is unknown: MQTT.js still owns it (and may still send it), so no retry.
        job.attempt = job.retries + 1;
        this.#finish(job, new Error(`no acknowledgement within ${ms} ms (message left queued in the MQTT client)`));
      }
    }
  };
}
