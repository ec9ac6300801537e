/**
 * The client's subscriptions: which sinks (handlers) take which topics, and which filters the broker has.
 *
 * - One broker subscription per broker filter, shared by every sink on it (several handlers, one SUBSCRIBE; the
 *   UNSUBSCRIBE after the last). A share group is its own broker filter (`$share/<group>/<filter>`) but routes
 *   by `<filter>`: the broker delivers the topic itself.
 * - Offline, a new subscription waits for the reconnect: the resubscribe sends it before any queued publish.
 *   Its caller's `timeoutMs` and `signal` apply meanwhile; when it gives up, the filter is forgotten (or, if the
 *   SUBSCRIBE is already out, unsubscribed once the broker answered), so nothing is subscribed behind its back.
 * - A resumed persistent session delivers its queued messages right after CONNACK, before the caller can
 *   subscribe: such a message is held (unacknowledged, bounded) for up to `holdMs`, and handed to the first
 *   subscription that matches it; after that it is acknowledged and dropped, counted.
 */
import type { QoS } from './descriptor.js';
import type { AckTicket } from './dispatch-queue.js';
import { abortErrorFor, ClosedError, InvalidTopicError, SubscribeFailedError, SubscribeTimeoutError } from './errors.js';
import { serializeError, type Logger } from './logger.js';
import { TopicRouter, type HoldAck } from './router.js';
import type { ChannelSubscription, RawSubscription } from './subscription.js';
import { compileFilter, matchFilter, type CompiledFilter } from './topic.js';
import type { ClientStats } from './types.js';
import type { InboundPacket, MqttTransport } from './transport.js';
import { ExpiringQueue } from './expiring-queue.js';

export type AnySink = ChannelSubscription<unknown, string> | RawSubscription;

export interface RegistryHost {
  readonly mqtt: MqttTransport;
  readonly logger: Logger;
  readonly counters: ClientStats;
  /** Reports a failure nobody waits for (status 'error'). */
  onError(err: Error): void;
}

export interface HoldLimits {
  readonly holdMs: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
}

interface BrokerSub {
  readonly qos: QoS;
  readonly sinks: Set<AnySink>;
  /** Settles with the SUBACK (or the refusal). */
  readonly ready: Promise<void>;
  /** Set while the SUBSCRIBE waits for a connection (made offline, its connection closed before the SUBACK,
   *  or its resubscribe failed): the next resubscribe sends it and settles this. */
  waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** The broker may have a subscription for this filter from this session (some SUBSCRIBE for it went out). */
  sent: boolean;
}

interface Held {
  readonly topic: string;
  readonly payload: Buffer;
  readonly packet: InboundPacket;
  readonly ticket: AckTicket;
}

/** `$share/<group>/<filter>`, after checking the group name. */
export function brokerFilter(filter: string, group: string | undefined): string {
  if (group === undefined) return filter;
  if (group === '' || /[/+#\u0000]/.test(group)) {
    throw new InvalidTopicError(filter, 'group', "a share group name is non-empty and has no '/', '+', '#' or NUL");
  }
  return `$share/${group}/${filter}`;
}

export class SubscriptionRegistry {
  readonly router = new TopicRouter<AnySink>();
  readonly sinks = new Set<AnySink>();
  readonly #host: RegistryHost;
  readonly #filters = new Map<string, BrokerSub>();
  /** Filters given up while offline that the broker may still have (a persistent session): UNSUBSCRIBEd first at
   *  the next resubscribe. */
  readonly #unsubscribeLater = new Set<string>();
  readonly #held: ExpiringQueue<Held>;

  constructor(host: RegistryHost, hold: HoldLimits) {
    this.#host = host;
    this.#held = new ExpiringQueue<Held>({ maxMessages: hold.maxMessages, maxBytes: hold.maxBytes, timeoutMs: hold.holdMs }, (h) => {
      host.counters.dropped++;
      host.logger.warn({ topic: h.topic, holdMs: hold.holdMs }, 'no subscription took a queued session message: acknowledged and dropped');
      h.ticket.release();
    });
  }

  /**
   * Adds a sink on `filter` (routing) and `broker` (the broker's filter), subscribing at the broker when it is the
   * first there or needs a higher QoS. Resolves at the SUBACK; on refusal, timeout or abort the sink is removed.
   */
  async attach(filter: string, broker: string, sink: AnySink, qos: QoS, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) throw abortErrorFor(`subscribe to ${broker}`, signal);
    this.sinks.add(sink);
    this.router.add(filter, sink);
    // A resumed session's earlier messages go first, before anything newer the router now delivers.
    this.#offerHeld(compileFilter(filter), sink);
    this.#unsubscribeLater.delete(broker);
    let entry = this.#filters.get(broker);
    if (entry === undefined || qos > entry.qos) {
      const previous = entry;
      entry = this.#subscribe(broker, Math.max(qos, previous?.qos ?? 0) as QoS, previous);
      this.#filters.set(broker, entry);
    }
    entry.sinks.add(sink);
    try {
      await raceDeadline(entry.ready, broker, timeoutMs, signal);
    } catch (err) {
      this.detach(filter, broker, sink, true);
      throw err;
    }
  }

  /** Removes a sink; when it was the last on its broker filter, forgets the filter and returns it when the broker
   *  may have it (for an UNSUBSCRIBE), else undefined. `ackDropped`: see DispatchQueue.stop. */
  detach(filter: string, broker: string, sink: AnySink, ackDropped: boolean): string | undefined {
    sink.stop(ackDropped);
    this.sinks.delete(sink);
    this.router.remove(filter, sink);
    const entry = this.#filters.get(broker);
    if (entry === undefined || !entry.sinks.delete(sink) || entry.sinks.size > 0) return undefined;
    this.#filters.delete(broker);
    entry.waiting = undefined;
    return entry.sent ? broker : undefined;
  }

  /** UNSUBSCRIBE at the broker, now or (offline) at the next resubscribe; not when the filter is in use again. */
  async unsubscribe(broker: string): Promise<void> {
    if (this.#filters.has(broker)) return;
    if (!this.#host.mqtt.connected) {
      this.#unsubscribeLater.add(broker);
      return;
    }
    try {
      await this.#host.mqtt.unsubscribeAsync(broker);
    } catch (err) {
      // The connection closed before the UNSUBACK: send it again after the reconnect.
      if (!this.#host.mqtt.connected && !this.#filters.has(broker)) this.#unsubscribeLater.add(broker);
      else this.#host.logger.warn({ filter: broker, err: serializeError(err) }, 'unsubscribe failed');
    }
  }

  /**
   * A broker subscription for `broker`: sent now when connected, else waiting for the resubscribe. `previous` is
   * the lower-QoS subscription it upgrades: its sinks move over, its waiters get this one's outcome, and if the
   * broker refuses the upgrade the previous one (which the broker still has) is put back.
   */
  #subscribe(broker: string, qos: QoS, previous: BrokerSub | undefined): BrokerSub {
    const sinks = previous?.sinks ?? new Set<AnySink>();
    let entry: BrokerSub;
    if (this.#host.mqtt.connected) {
      const ready = this.#host.mqtt.subscribeAsync(broker, { qos }).then(
        (granted) => checkGrant(broker, granted),
        (err: unknown) => {
          // The connection closed before the SUBACK: the resubscribe after the reconnect sends it again.
          if (this.#host.mqtt.connected || this.#filters.get(broker) !== entry) throw err;
          return new Promise<void>((resolve, reject) => (entry.waiting = { resolve, reject }));
        },
      );
      entry = { qos, sinks, ready, waiting: undefined, sent: true };
      ready.then(
        // A subscription given up before its SUBACK: undo it once the broker has answered.
        () => void (this.#filters.get(broker) !== entry && this.unsubscribe(broker)),
        () => {
          if (previous !== undefined && this.#filters.get(broker) === entry) this.#filters.set(broker, previous);
        },
      );
    } else {
      let waiting!: NonNullable<BrokerSub['waiting']>;
      const ready = new Promise<void>((resolve, reject) => (waiting = { resolve, reject }));
      ready.catch(() => undefined);
      entry = { qos, sinks, ready, waiting, sent: previous?.sent ?? false };
    }
    // Sinks still waiting on the lower-QoS SUBSCRIBE (never sent) get the outcome of this one.
    const prevWaiting = previous?.waiting;
    if (prevWaiting !== undefined) entry.ready.then(prevWaiting.resolve, prevWaiting.reject);
    return entry;
  }

  /**
   * After a reconnect, before anything queued is published: UNSUBSCRIBE what was given up offline, then SUBSCRIBE
   * again in one packet (a resumed session keeps what the broker had, so then only the filters made while away).
   * A refused filter fails its waiters or, when nobody waits, is logged; a failure to send is retried at the next
   * connect.
   */
  async resubscribe(sessionPresent: boolean): Promise<void> {
    const m = this.#host.mqtt;
    const gone = [...this.#unsubscribeLater];
    this.#unsubscribeLater.clear();
    if (gone.length > 0) {
      await m.unsubscribeAsync(gone).catch((err: unknown) => {
        this.#host.logger.warn({ filters: gone, err: serializeError(err) }, 'unsubscribe failed');
      });
    }
    const batch = [...this.#filters].filter(([, entry]) => !sessionPresent || entry.waiting !== undefined);
    if (batch.length === 0) return;
    const waiting = batch.map(([, entry]) => entry.waiting);
    for (const [, entry] of batch) {
      entry.waiting = undefined;
      entry.sent = true;
    }
    let granted: readonly { topic: string; qos: number }[];
    try {
      granted = await m.subscribeAsync(Object.fromEntries(batch.map(([broker, entry]) => [broker, { qos: entry.qos }])));
    } catch (err) {
      this.#host.logger.warn({ filters: batch.map(([b]) => b), err: serializeError(err) }, 'resubscribe failed');
      batch.forEach(([, entry], i) => {
        if (waiting[i] !== undefined) entry.waiting = waiting[i]; // retried on the next connect
      });
      return;
    }
    batch.forEach(([broker, entry], i) => {
      const code = granted.find((g) => g.topic === broker)?.qos ?? 0;
      if (code >= 128) {
        const err = new SubscribeFailedError(broker, code);
        if (waiting[i] !== undefined) waiting[i]!.reject(err);
        else this.#host.logger.error({ filter: broker, reasonCode: code, err: serializeError(err) }, 'broker refused a resubscription');
        this.#host.onError(err);
      } else {
        waiting[i]?.resolve();
      }
      // Given up while the SUBSCRIBE was out: undo it.
      if (this.#filters.get(broker) !== entry) void this.unsubscribe(broker);
    });
  }

  /** close(): subscriptions still waiting for a connection never get one. */
  failWaiting(): void {
    for (const entry of this.#filters.values()) {
      entry.waiting?.reject(new ClosedError('client closed before the subscription was made'));
      entry.waiting = undefined;
    }
  }

  // ----- a resumed session's messages that arrive before their subscribe() ----------------------------------

  /** Holds an unrouted QoS 1/2 message of a persistent session; false when the hold is full (ack and drop it). */
  hold(topic: string, payload: Buffer, packet: InboundPacket, ticket: AckTicket): boolean {
    return this.#held.push({ topic, payload, packet, ticket }, payload.length) === null;
  }

  /** The connection that held them is gone: their acknowledgements are void, the broker sends them again. */
  forgetHeld(): void {
    this.#held.takeAll();
  }

  /** A new subscription takes the held messages it matches, in arrival order. */
  #offerHeld(compiled: CompiledFilter, sink: AnySink): void {
    if (this.#held.size === 0) return;
    for (const h of this.#held.takeWhere((x) => matchFilter(compiled, x.topic))) {
      const ticket = h.ticket;
      const hold: HoldAck = () => ticket.retain();
      try {
        sink.deliver(h.topic, h.payload, h.packet, hold);
      } finally {
        ticket.release();
      }
    }
  }
}

function checkGrant(broker: string, granted: readonly { qos: number }[]): void {
  const refused = granted.find((g) => g.qos >= 128);
  if (refused !== undefined) throw new SubscribeFailedError(broker, refused.qos);
}

/** Waits for `p`, or rejects at the deadline or on abort (the operation itself is the caller's to undo). */
function raceDeadline(p: Promise<void>, what: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  if (timeoutMs <= 0 && signal === undefined) return p;
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => done(abortErrorFor(`subscribe to ${what}`, signal!));
    function done(err: Error | undefined): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    }
    if (timeoutMs > 0) timer = setTimeout(() => done(new SubscribeTimeoutError(what, timeoutMs)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(() => done(undefined), (err: Error) => done(err));
  });
}
