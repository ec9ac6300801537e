/**
 * A subscription's receive side: decode (limits, UTF-8, JSON, shape, validation) → dedupe → a bounded queue to
 * the handler (runtime/dispatch-queue.ts: overflow policy and acknowledgement point). Invalid messages are
 * logged once, counted, handed to onInvalid and never reach the handler. Nothing a peer sends can make deliver()
 * throw: it runs inside MQTT.js's event emit, where a throw would end the process.
 */
import type { ChannelDescriptor, Envelope, FieldError, QoS } from './descriptor.js';
import { Deduper } from './dedupe.js';
import { DispatchQueue, type OverflowState, type QueueHooks, type QueueLimits } from './dispatch-queue.js';
import { decodeMessage, type DecodeLimits } from './inbound.js';
import { correlationOf, levelEnabled, serializeError, type Logger } from './logger.js';
import type { HoldAck, Sink } from './router.js';
import { addressParamCount, enumViolation, parseTopic } from './topic.js';
import type { InboundPacket } from './transport.js';
import type { ClientStats, InvalidMessage, MessageHandler, MessageMeta, RawHandler, RawMeta, StatusEvent, SubscriptionStats } from './types.js';

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  readonly logger: Logger;
  readonly counters: ClientStats;
  readonly decodeLimits: DecodeLimits;
  emitStatus(status: StatusEvent): void;
}

const EMPTY_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

abstract class BaseSubscription<A, B, C> implements Sink {
  protected readonly queue: DispatchQueue<A, B, C>;

  constructor(
    /** The filter the broker knows ($share/<group>/... for a share group). */
    readonly filter: string,
    protected readonly host: SubscriptionHost,
    limits: QueueLimits,
    channelId: string | null,
  ) {
    const hooks: QueueHooks<A, B, C> = {
      onError: (err, a, b, c) => this.handlerFailed(err, a, b, c),
      onOverflowStart: (s) => {
        host.counters.slowConsumers++;
        host.logger.warn(
          { filter, channel: channelId, policy: limits.overflow, maxPending: limits.maxMessages, maxPendingBytes: limits.maxBytes, queued: s.queued, queuedBytes: s.queuedBytes },
          'slow consumer: subscription over its bound',
        );
        host.emitStatus({ type: 'slowConsumer', filter, channel: channelId, policy: limits.overflow, queued: s.queued, queuedBytes: s.queuedBytes });
      },
      onOverflowEnd: (s: OverflowState) => {
        host.logger.info({ filter, channel: channelId, waited: s.waited, dropped: s.dropped }, 'slow consumer caught up');
      },
      onDrop: () => {
        host.counters.overflowDropped++;
      },
    };
    this.queue = new DispatchQueue<A, B, C>((a, b, c) => this.invoke(a, b, c), limits, hooks);
  }

  abstract deliver(topic: string, payload: Buffer, packet: InboundPacket, hold: HoldAck): void;
  protected abstract invoke(a: A, b: B, c: C): unknown;
  protected abstract handlerFailed(err: unknown, a: A, b: B, c: C): void;

  /** Stops starting handlers; returns the number of queued messages dropped (see DispatchQueue.stop). */
  stop(ackDropped: boolean): number {
    const dropped = this.queue.stop(ackDropped);
    this.host.counters.dropped += dropped;
    return dropped;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** See DispatchQueue.dropUnacknowledged. */
  dropUnacknowledged(): number {
    return this.queue.dropUnacknowledged();
  }

  stats(): SubscriptionStats {
    return this.queue.stats();
  }
}

export interface ChannelSubscriptionOptions<T, P extends string> {
  readonly channel: ChannelDescriptor<T, P>;
  readonly handler: MessageHandler<T, P>;
  readonly limits: QueueLimits;
  readonly deduper: Deduper | null;
  readonly onInvalid: ((invalid: InvalidMessage) => void) | undefined;
}

export class ChannelSubscription<T, P extends string> extends BaseSubscription<T, Envelope<T> | null, MessageMeta<P>> {
  readonly #channel: ChannelDescriptor<T, P>;
  readonly #handler: MessageHandler<T, P>;
  readonly #deduper: Deduper | null;
  readonly #onInvalid: ((invalid: InvalidMessage) => void) | undefined;
  readonly #hasParams: boolean;
  readonly #checkEnums: boolean;

  constructor(filter: string, host: SubscriptionHost, o: ChannelSubscriptionOptions<T, P>) {
    super(filter, host, o.limits, o.channel.id);
    this.#channel = o.channel;
    this.#handler = o.handler;
    this.#deduper = o.deduper;
    this.#onInvalid = o.onInvalid;
    this.#hasParams = addressParamCount(o.channel.address) > 0;
    this.#checkEnums = o.channel.parameterEnums !== undefined;
  }

  deliver(topic: string, payload: Buffer, packet: InboundPacket, hold: HoldAck): void {
    const ch = this.#channel;
    const host = this.host;
    let params = EMPTY_PARAMS as Record<P, string>;
    if (this.#hasParams) {
      const parsed = parseTopic<P>(ch.address, topic);
      if (parsed === null) {
        // The filter is wider than the address (a level mixing text with a parameter is '+' there): a topic that
        // does not fit the address belongs to no message of this channel, so it is filtered out, not reported.
        if (levelEnabled(host.logger, 'debug')) host.logger.debug({ topic, channel: ch.id }, 'skipped a topic outside the channel address');
        return;
      }
      const bad = this.#checkEnums ? enumViolation(ch, parsed) : undefined;
      if (bad !== undefined) {
        // A value outside its parameter's enum: the topic is the channel's, the value is not one the contract allows.
        this.#reject(topic, payload, 'topic', [{ path: '', rule: 'enum', message: `${bad} ${ch.address}` }]);
        return;
      }
      params = parsed!;
    }
    const d = decodeMessage(ch, payload, host.decodeLimits);
    if (!d.ok) {
      this.#reject(topic, payload, d.reason, d.errors);
      return;
    }
    const env = d.envelope;
    if (this.#deduper !== null && env !== null && this.#isDuplicate(topic, env)) {
      host.counters.duplicates++;
      if (levelEnabled(host.logger, 'debug')) {
        host.logger.debug({ topic, channel: ch.id, ...correlationOf(env.id, env.data) }, 'dropped duplicate message');
      }
      return;
    }
    if (levelEnabled(host.logger, 'debug')) {
      host.logger.debug({ topic, channel: ch.id, bytes: payload.length, ...correlationOf(env?.id, d.data) }, 'received');
    }
    const meta: MessageMeta<P> = { topic, channel: ch.id, params, qos: packet.qos as QoS, retain: packet.retain };
    if (d.message !== undefined) meta.message = d.message;
    this.queue.push(d.data, env, meta, payload.length, hold);
  }

  /** An invalid message: logged once, counted, handed to onInvalid; never to the handler. */
  #reject(topic: string, payload: Buffer, reason: InvalidMessage['reason'], errors: readonly FieldError[]): void {
    const host = this.host;
    const ch = this.#channel;
    host.counters.invalid++;
    const first = errors[0];
    host.logger.warn(
      { topic, channel: ch.id, reason, path: first?.path ?? '', rule: first?.rule ?? '', error: first?.message ?? '', errors: errors.slice(0, 5) },
      'dropped invalid message',
    );
    if (this.#onInvalid) {
      try {
        this.#onInvalid({ topic, channel: ch.id, reason, errors, payload });
      } catch (err) {
        host.logger.error({ topic, channel: ch.id, err: serializeError(err) }, 'onInvalid hook threw');
      }
    }
  }

  /** Data within the depth limit cannot overflow the dedupe key's recursion; anything else is logged, not thrown. */
  #isDuplicate(topic: string, env: Envelope<T>): boolean {
    try {
      return this.#deduper!.isDuplicate(env);
    } catch (err) {
      this.host.logger.error({ topic, channel: this.#channel.id, err: serializeError(err) }, 'dedupe failed: message handled without it');
      return false;
    }
  }

  protected invoke(data: T, env: Envelope<T> | null, meta: MessageMeta<P>): unknown {
    return this.#handler(data, env, meta);
  }

  protected handlerFailed(err: unknown, data: T, env: Envelope<T> | null, meta: MessageMeta<P>): void {
    this.host.counters.handlerErrors++;
    this.host.logger.error(
      { topic: meta.topic, channel: meta.channel, ...correlationOf(env?.id, data), err: serializeError(err) },
      'message handler failed',
    );
  }
}

export class RawSubscription extends BaseSubscription<Buffer, RawMeta, undefined> {
  constructor(
    filter: string,
    host: SubscriptionHost,
    readonly handler: RawHandler,
    limits: QueueLimits,
  ) {
    super(filter, host, limits, null);
  }

  deliver(topic: string, payload: Buffer, packet: InboundPacket, hold: HoldAck): void {
    if (levelEnabled(this.host.logger, 'debug')) this.host.logger.debug({ topic, bytes: payload.length }, 'received (raw)');
    this.queue.push(payload, { topic, qos: packet.qos as QoS, retain: packet.retain }, undefined, payload.length, hold);
  }

  protected invoke(payload: Buffer, meta: RawMeta): unknown {
    return this.handler(payload, meta);
  }

  protected handlerFailed(err: unknown, _payload: Buffer, meta: RawMeta): void {
    this.host.counters.handlerErrors++;
    this.host.logger.error({ topic: meta.topic, err: serializeError(err) }, 'raw message handler failed');
  }
}
