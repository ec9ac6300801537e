/**
 * A subscription's receive side: inbound pipeline (decode → dedupe) then the handler through a bounded
 * queue. Invalid messages are logged once, counted, handed to onInvalid and never reach the handler.
 */
import type { IPublishPacket } from 'mqtt';
import type { ChannelDescriptor, Envelope, QoS } from './descriptor.js';
import { Deduper } from './dedupe.js';
import { DispatchQueue, type QueueHooks } from './dispatch-queue.js';
import { decodeMessage } from './inbound.js';
import { correlationOf, levelEnabled, serializeError, type Logger } from './logger.js';
import type { Sink } from './router.js';
import { addressParamCount, parseTopic } from './topic.js';
import type { ClientStats, InvalidMessage, MessageHandler, MessageMeta, RawHandler, RawMeta } from './types.js';

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  readonly logger: Logger;
  readonly counters: ClientStats;
  readonly maxPayloadBytes: number;
  readonly highWaterMark: number;
  /** Stop / resume reading from the socket (refcounted). */
  pauseIntake(): void;
  resumeIntake(): void;
}

const EMPTY_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

abstract class BaseSubscription<A, B, C> implements Sink {
  protected readonly queue: DispatchQueue<A, B, C>;
  #paused = false;

  constructor(
    readonly filter: string,
    protected readonly host: SubscriptionHost,
    concurrency: number,
  ) {
    const hooks: QueueHooks<A, B, C> = {
      onError: (err, a, b, c) => this.handlerFailed(err, a, b, c),
      onHighWater: () => {
        this.#paused = true;
        host.pauseIntake();
      },
      onLowWater: () => {
        if (!this.#paused) return;
        this.#paused = false;
        host.resumeIntake();
      },
    };
    this.queue = new DispatchQueue<A, B, C>((a, b, c) => this.invoke(a, b, c), concurrency, host.highWaterMark, hooks);
  }

  abstract deliver(topic: string, payload: Buffer, packet: IPublishPacket): void;
  protected abstract invoke(a: A, b: B, c: C): unknown;
  protected abstract handlerFailed(err: unknown, a: A, b: B, c: C): void;

  /** Stops starting handlers; returns the number of queued messages dropped. */
  stop(): number {
    const dropped = this.queue.stop();
    this.host.counters.dropped += dropped;
    return dropped;
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}

export interface ChannelSubscriptionOptions<T, P extends string> {
  readonly channel: ChannelDescriptor<T, P>;
  readonly handler: MessageHandler<T, P>;
  readonly concurrency: number;
  readonly deduper: Deduper | null;
  readonly onInvalid: ((invalid: InvalidMessage) => void) | undefined;
}

export class ChannelSubscription<T, P extends string> extends BaseSubscription<T, Envelope<T> | null, MessageMeta<P>> {
  readonly #channel: ChannelDescriptor<T, P>;
  readonly #handler: MessageHandler<T, P>;
  readonly #deduper: Deduper | null;
  readonly #onInvalid: ((invalid: InvalidMessage) => void) | undefined;
  readonly #hasParams: boolean;

  constructor(filter: string, host: SubscriptionHost, o: ChannelSubscriptionOptions<T, P>) {
    super(filter, host, o.concurrency);
    this.#channel = o.channel;
    this.#handler = o.handler;
    this.#deduper = o.deduper;
    this.#onInvalid = o.onInvalid;
    this.#hasParams = addressParamCount(o.channel.address) > 0;
  }

  deliver(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const ch = this.#channel;
    const host = this.host;
    const d = decodeMessage(ch, payload, host.maxPayloadBytes);
    if (!d.ok) {
      host.counters.invalid++;
      const first = d.errors[0];
      host.logger.warn(
        { topic, channel: ch.id, reason: d.reason, path: first?.path ?? '', rule: first?.rule ?? '', error: first?.message ?? '', errors: d.errors.slice(0, 5) },
        'dropped invalid message',
      );
      if (this.#onInvalid) {
        try {
          this.#onInvalid({ topic, channel: ch.id, reason: d.reason, errors: d.errors, payload });
        } catch (err) {
          host.logger.error({ topic, channel: ch.id, err: serializeError(err) }, 'onInvalid hook threw');
        }
      }
      return;
    }
    const env = d.envelope;
    if (this.#deduper !== null && env !== null && this.#deduper.isDuplicate(env)) {
      host.counters.duplicates++;
      if (levelEnabled(host.logger, 'debug')) {
        host.logger.debug({ topic, channel: ch.id, ...correlationOf(env.id, env.data) }, 'dropped duplicate message');
      }
      return;
    }
    let params = EMPTY_PARAMS as Record<P, string>;
    if (this.#hasParams) params = parseTopic<P>(ch.address, topic) ?? params;
    if (levelEnabled(host.logger, 'debug')) {
      host.logger.debug({ topic, channel: ch.id, bytes: payload.length, ...correlationOf(env?.id, d.data) }, 'received');
    }
    const meta: MessageMeta<P> = { topic, channel: ch.id, params, qos: packet.qos as QoS, retain: packet.retain };
    this.queue.push(d.data, env, meta);
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
    concurrency: number,
  ) {
    super(filter, host, concurrency);
  }

  deliver(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (levelEnabled(this.host.logger, 'debug')) this.host.logger.debug({ topic, bytes: payload.length }, 'received (raw)');
    this.queue.push(payload, { topic, qos: packet.qos as QoS, retain: packet.retain }, undefined);
  }

  protected invoke(payload: Buffer, meta: RawMeta): unknown {
    return this.handler(payload, meta);
  }

  protected handlerFailed(err: unknown, _payload: Buffer, meta: RawMeta): void {
    this.host.counters.handlerErrors++;
    this.host.logger.error({ topic: meta.topic, err: serializeError(err) }, 'raw message handler failed');
  }
}
