/**
 * The bus client: the pieces wired together, and the message paths through them.
 *
 *   connection.ts     MQTT.js, connect, reconnect backoff, DISCONNECT
 *   outbox.ts         publish → acknowledgement, retries, the bounded offline queue
 *   subscriptions.ts  broker subscriptions, routing, share groups, a resumed session's early messages
 *   subscription.ts   one subscription: decode, dedupe, bounded queue to its handler (dispatch-queue.ts)
 *   acks.ts           when inbound QoS 1/2 messages are acknowledged (never by holding MQTT.js's packet queue)
 *   lifecycle.ts      health and heartbeat on channels the contract names
 *
 * Reconnect order: MQTT.js flushes its offline store BEFORE it resubscribes, so a client's own outage publishes
 * would reach the broker while it has no subscription. So on reconnect the client resubscribes first, waits for
 * the SUBACKs, then sends what was published while offline.
 */
import { InboundAcks } from './acks.js';
import type { ClientConfig } from './config.js';
import { Connection, StatusHub, withTimeout } from './connection.js';
import { Deduper } from './dedupe.js';
import type { AnyChannelDescriptor, ChannelDescriptor, QoS } from './descriptor.js';
import type { QueueLimits } from './dispatch-queue.js';
import { newEnvelopeId } from './envelope.js';
import { ClosedError, InvalidTopicError, PayloadTooLargeError, ValidationFailedError } from './errors.js';
import type { DecodeLimits } from './inbound.js';
import { checkLifecycleChannel, lastWill, lifecycleData, lifecycleParams, type LifecycleEvent } from './lifecycle.js';
import { correlationOf, createJsonLogger, levelEnabled, serializeError, type Logger } from './logger.js';
import {
  ackPolicy, DEFAULT_ACK, DEFAULT_DEDUPE_TTL_WHEN_FORCED, ms, number, overflowPolicy, resolveConfig, resolveLimits, WAITING_BYTES_FACTOR, type ClientLimits,
} from './options.js';
import { dataJson, EnvelopeWriter } from './outbound.js';
import { Outbox } from './outbox.js';
import { ChannelSubscription, RawSubscription, type SubscriptionHost } from './subscription.js';
import { brokerFilter, SubscriptionRegistry, type AnySink } from './subscriptions.js';
import { buildTopic, compileFilter, enumViolation } from './topic.js';
import type { InboundPacket } from './transport.js';
import type {
  BusClient, ClientStats, CloseReason, ConnectOptions, FlowOptions, MessageHandler, PublishOptions, RawHandler,
  RawSubscribeOptions, StatusEvent, SubscribeOptions, Subscription,
} from './types.js';
import { DEFAULT_DEDUPE_MAX_ENTRIES } from './config.js';

export {
  DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_PUBLISH_RETRIES, DEFAULT_PUBLISH_RETRY_DELAY_MS,
  DEFAULT_PUBLISH_TIMEOUT_MS, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_MAX_PENDING, DEFAULT_MAX_PENDING_BYTES, DEFAULT_OVERFLOW,
  DEFAULT_OFFLINE_MAX_MESSAGES, DEFAULT_OFFLINE_MAX_BYTES, DEFAULT_SESSION_EXPIRY_SECONDS, DEFAULT_SESSION_HOLD_MS, resolveConfig,
} from './options.js';

/** Bounds the shutdown health publish so close() always finishes. */
const CLOSE_STEP_TIMEOUT_MS = 3_000;

/** Connects and resolves once the broker accepted the session (waiting up to connectTimeoutMs for it). */
export async function connect(options: ConnectOptions = {}): Promise<BusClient> {
  const config = resolveConfig(options);
  const client = new MqttBusClient(config, resolveLimits(options, config), options);
  await client.start();
  return client;
}

/**
 * connect() with defaults for options the caller leaves undefined: what a contract's generated connect() uses to
 * hand over its health and heartbeat channels.
 */
export function connectWith(defaults: Partial<ConnectOptions>, options: ConnectOptions = {}): Promise<BusClient> {
  const merged: Record<string, unknown> = { ...options };
  for (const [k, v] of Object.entries(defaults)) if (merged[k] === undefined) merged[k] = v;
  return connect(merged as ConnectOptions);
}

export class MqttBusClient implements BusClient, SubscriptionHost {
  readonly clientId: string;
  readonly source: string;
  readonly logger: Logger;
  readonly counters: ClientStats = {
    published: 0, received: 0, invalid: 0, duplicates: 0, handlerErrors: 0, reconnects: 0, dropped: 0, slowConsumers: 0, overflowDropped: 0,
  };
  readonly decodeLimits: DecodeLimits;
  readonly #config: ClientConfig;
  readonly #limits: ClientLimits;
  readonly #status: StatusHub;
  readonly #writer: EnvelopeWriter;
  readonly #conn: Connection;
  readonly #acks: InboundAcks;
  readonly #outbox: Outbox;
  readonly #subs: SubscriptionRegistry;
  /** Bumped on every connect, so a stale resubscribe does not mark a newer connection online. */
  #generation = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;

  constructor(config: ClientConfig, limits: ClientLimits, options: ConnectOptions) {
    this.#config = config;
    this.#limits = limits;
    this.clientId = config.clientId;
    this.source = config.sourceName;
    const base = options.logger ?? createJsonLogger();
    this.logger = base.child ? base.child({ client_id: config.clientId }) : base;
    this.decodeLimits = { maxBytes: limits.maxPayloadBytes, maxDepth: limits.maxDepth };
    this.#status = new StatusHub(this.logger);
    this.#writer = new EnvelopeWriter(config.sourceName);
    const health = config.enableHealth ? limits.health : undefined;
    if (health !== undefined) checkLifecycleChannel('health', health, config.clientId);
    if (config.enableHeartbeat && limits.heartbeat !== undefined) checkLifecycleChannel('heartbeat', limits.heartbeat, config.clientId);
    this.#conn = new Connection(config, limits, options, this.logger, this.#status, {
      up: (reconnect, sessionPresent) => this.#up(reconnect, sessionPresent),
      down: () => this.#down(),
      will: () => (health === undefined ? undefined : lastWill(health, this.clientId, this.#writer)),
    });
    const m = this.#conn.mqtt;
    this.#acks = new InboundAcks(m);
    m.handleMessage = this.#acks.handleMessage;
    m.on('message', this.#onMessage);
    this.#outbox = new Outbox(
      { mqtt: m, logger: this.logger, counters: this.counters, state: () => this.#conn.state },
      { retries: limits.publishRetries, retryDelayMs: limits.publishRetryDelayMs, timeoutMs: limits.publishTimeoutMs, offline: limits.offline },
    );
    this.#subs = new SubscriptionRegistry(
      { mqtt: m, logger: this.logger, counters: this.counters, onError: (error) => this.#status.emit({ type: 'error', error }) },
      { holdMs: limits.sessionHoldMs, maxMessages: limits.maxPending, maxBytes: limits.maxPendingBytes },
    );
  }

  // ----- lifecycle ---------------------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.#conn.start();
    if (this.#config.enableHealth) await withTimeout(this.#publishLifecycle('ready'), CLOSE_STEP_TIMEOUT_MS);
    if (this.#config.enableHeartbeat) this.#startHeartbeat();
  }

  #up(reconnect: boolean, sessionPresent: boolean): void {
    this.counters.reconnects = this.#conn.reconnects;
    const generation = ++this.#generation;
    if (!reconnect) {
      this.#outbox.goOnline();
      return;
    }
    void this.#subs.resubscribe(sessionPresent && !this.#limits.clean).then(() => {
      if (generation !== this.#generation || !this.#conn.mqtt.connected) return;
      this.#outbox.goOnline();
    });
    if (this.#conn.state === 'open' && this.#config.enableHealth) void this.#publishLifecycle('reconnected');
  }

  #down(): void {
    this.#acks.disconnected();
    this.#outbox.goOffline();
    this.#subs.forgetHeld();
    // A persistent session gets its unacknowledged messages again: drop the copies not started yet, so each is
    // handled once (from the redelivery) and a crash meanwhile loses nothing.
    if (!this.#limits.clean) {
      let dropped = 0;
      for (const s of this.#subs.sinks) dropped += s.dropUnacknowledged();
      if (dropped > 0) this.logger.info({ dropped }, 'connection lost: unacknowledged messages left to the broker to send again');
    }
  }

  get connected(): boolean {
    return this.#conn.connected;
  }

  on(event: 'status', listener: (status: StatusEvent) => void): () => void {
    if (event !== 'status') throw new TypeError(`unknown event ${String(event)}`);
    return this.#status.on(listener);
  }

  emitStatus(status: StatusEvent): void {
    this.#status.emit(status);
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  closed(): Promise<CloseReason> {
    return this.#conn.closed;
  }

  close(options?: { timeoutMs?: number }): Promise<void> {
    this.#closing ??= this.#shutdown(options?.timeoutMs ?? this.#limits.drainTimeoutMs);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Stop intake (messages arriving from now on are never acknowledged: a persistent session gets them again),
   * drop queued messages, wait for running handlers (bounded), publish `shutdown`, DISCONNECT (so no Last Will).
   */
  async #shutdown(drainMs: number): Promise<void> {
    if (this.#conn.state === 'closed') return;
    this.#conn.state = 'closing';
    clearInterval(this.#heartbeat);
    let dropped = 0;
    for (const s of this.#subs.sinks) dropped += s.stop(false);
    const drained = await withTimeout(Promise.all([...this.#subs.sinks].map((s) => s.idle())), drainMs);
    if (!drained || dropped > 0) this.logger.warn({ dropped, drained, drainMs }, 'closing with unfinished messages');
    if (this.#config.enableHealth && this.#conn.mqtt.connected) {
      await withTimeout(this.#publishLifecycle('shutdown'), CLOSE_STEP_TIMEOUT_MS);
    }
    await this.#conn.end();
    this.#conn.state = 'closed';
    this.#outbox.failAll();
    this.#subs.failWaiting();
    this.#subs.forgetHeld();
    this.logger.info({ url: this.#conn.urlText }, 'closed');
    this.#conn.finish({ kind: 'closed' });
  }

  // ----- health and heartbeat -------------------------------------------------------------------------

  /** Publishes a lifecycle message on its channel (validated like any other); failures are logged, never thrown. */
  async #publishLifecycle(event: LifecycleEvent): Promise<void> {
    const spec = event === 'heartbeat' ? this.#limits.heartbeat : this.#limits.health;
    if (spec === undefined) return;
    try {
      await this.#publish(spec.channel as ChannelDescriptor<unknown, string>, lifecycleData(spec, event), lifecycleParams(spec, this.clientId), undefined, 0, true);
    } catch (err) {
      this.logger.warn({ event, err: serializeError(err) }, `${event === 'heartbeat' ? 'heartbeat' : 'health'} publish failed`);
    }
  }

  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => {
      // A heartbeat queued while offline would be stale by the time it is sent.
      if (this.#outbox.online) void this.#publishLifecycle('heartbeat');
    }, this.#config.heartbeatInterval * 1000);
    this.#heartbeat.unref();
  }

  // ----- publish --------------------------------------------------------------------------------------

  publish<T, P extends string, I extends string | undefined>(channel: ChannelDescriptor<T, P, I>, data: T, options?: PublishOptions<P>): Promise<I> {
    if (this.#conn.state !== 'open') return Promise.reject(new ClosedError());
    // The descriptor's type says which: an Envelope id for enveloped channels, undefined for bare ones.
    return this.#publish(channel, data, options?.params, options?.correlate, options?.retries ?? this.#limits.publishRetries, false, options?.message) as Promise<I>;
  }

  #publish<T>(
    channel: ChannelDescriptor<T, string, string | undefined>, data: T, params: Readonly<Record<string, string>> | undefined, correlate: string | undefined,
    retries: number, internal: boolean, message?: string,
  ): Promise<string | undefined> {
    let topic: string;
    let id: string | undefined;
    let payload: string;
    try {
      topic = channel.parameters.length === 0 ? channel.address : buildTopic(channel.address, params);
      if (params !== undefined && channel.parameterEnums !== undefined) {
        const bad = enumViolation(channel, params);
        if (bad !== undefined) throw new InvalidTopicError(channel.address, 'params', bad.replace(/ in$/, ''));
      }
      // A multi-message channel: the named message's validator and framing.
      const target = message === undefined ? channel : messageOf(channel as unknown as AnyChannelDescriptor, message);
      const v = target.validateData(data);
      if (!v.ok) {
        const err = new ValidationFailedError(channel.id, topic, v.errors);
        this.logger.warn({ topic, channel: channel.id, path: err.path, rule: err.rule, ...correlationOf(correlate, data) }, 'refused invalid outbound message');
        return Promise.reject(err);
      }
      const f = target.framing;
      if (f.kind === 'envelope' && !f.publishBare) {
        id = correlate ?? newEnvelopeId();
        payload = this.#writer.write(topic, id, correlate !== undefined, f.eventType, data);
      } else {
        payload = dataJson(topic, data);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    const bytes = this.#checkSize(topic, payload);
    if (typeof bytes !== 'number') return Promise.reject(bytes);
    if (!internal && levelEnabled(this.logger, 'debug')) {
      this.logger.debug({ topic, channel: channel.id, qos: channel.qos, bytes, ...correlationOf(id, data) }, 'publish');
    }
    return this.#outbox.send(topic, payload, bytes, channel.qos, channel.retain, retries, id, data);
  }

  publishRaw(topic: string, payload: string | Uint8Array, options: { qos: QoS; retain?: boolean }): Promise<void> {
    if (this.#conn.state !== 'open') return Promise.reject(new ClosedError());
    if (topic === '' || topic.includes('+') || topic.includes('#')) {
      return Promise.reject(new InvalidTopicError(topic, 'topic', "must be non-empty and contain no '+' or '#'"));
    }
    const body = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const bytes = this.#checkSize(topic, body);
    if (typeof bytes !== 'number') return Promise.reject(bytes);
    if (levelEnabled(this.logger, 'debug')) this.logger.debug({ topic, qos: options.qos, bytes }, 'publish (raw)');
    return this.#outbox.send(topic, body, bytes, options.qos, options.retain ?? false, this.#limits.publishRetries, undefined, undefined).then(noop);
  }

  /** The payload's size in bytes, or the error when it is over maxPayloadBytes. */
  #checkSize(topic: string, payload: string | Buffer): number | PayloadTooLargeError {
    const max = this.#limits.maxPayloadBytes;
    // A UTF-8 string is at most 3 bytes per UTF-16 unit: only measure when that bound could be exceeded.
    if (typeof payload !== 'string') {
      if (payload.length <= max) return payload.length;
    } else if (payload.length * 3 <= max) {
      return payload.length;
    }
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (size <= max) return size;
    this.logger.warn({ topic, size, limit: max }, 'refused oversized outbound message');
    return new PayloadTooLargeError(topic, size, max);
  }

  // ----- subscribe ------------------------------------------------------------------------------------

  async subscribe<T, P extends string>(
    channel: ChannelDescriptor<T, P>,
    handler: MessageHandler<T, P>,
    options?: SubscribeOptions<P>,
  ): Promise<Subscription> {
    if (this.#conn.state !== 'open') throw new ClosedError();
    const filter = buildTopic(channel.address, options?.params, 'subscribe');
    if (options?.params !== undefined && channel.parameterEnums !== undefined) {
      const given = Object.fromEntries(Object.entries(options.params).filter(([, v]) => v !== undefined && v !== '+' && v !== '#')) as Record<string, string>;
      const bad = enumViolation(channel, given);
      if (bad !== undefined) throw new InvalidTopicError(channel.address, 'params', bad.replace(/ in$/, ''));
    }
    const broker = brokerFilter(filter, options?.group);
    const c = this.#config;
    const wantDedupe = (options?.dedupe ?? c.dedupeTtl > 0) && channel.framing.kind === 'envelope';
    const deduper = wantDedupe
      ? new Deduper({
          ttlMs: (c.dedupeTtl > 0 ? c.dedupeTtl : DEFAULT_DEDUPE_TTL_WHEN_FORCED) * 1000,
          maxEntries: c.dedupeMaxEntries > 0 ? c.dedupeMaxEntries : DEFAULT_DEDUPE_MAX_ENTRIES,
        })
      : null;
    const sink = new ChannelSubscription<T, P>(broker, this, {
      channel,
      handler,
      limits: this.#queueLimits(options),
      deduper,
      onInvalid: options?.onInvalid,
    }) as unknown as AnySink;
    await this.#subs.attach(filter, broker, sink, channel.qos, ms('timeoutMs', options?.timeoutMs, 0), options?.signal);
    this.logger.debug({ filter: broker, channel: channel.id, qos: channel.qos }, 'subscribed');
    return this.#handle(filter, broker, sink);
  }

  async subscribeRaw(filter: string, handler: RawHandler, options: RawSubscribeOptions): Promise<Subscription> {
    if (this.#conn.state !== 'open') throw new ClosedError();
    compileFilter(filter);
    const broker = brokerFilter(filter, options.group);
    const sink = new RawSubscription(broker, this, handler, this.#queueLimits(options));
    await this.#subs.attach(filter, broker, sink, options.qos, ms('timeoutMs', options.timeoutMs, 0), options.signal);
    return this.#handle(filter, broker, sink);
  }

  #queueLimits(o: FlowOptions | undefined): QueueLimits {
    const l = this.#limits;
    const maxBytes = number('maxPendingBytes', o?.maxPendingBytes, l.maxPendingBytes, { integer: true, min: 1 });
    return {
      concurrency: number('concurrency', o?.concurrency, 1, { integer: true, min: 1 }),
      maxMessages: number('maxPending', o?.maxPending, l.maxPending, { integer: true, min: 1 }),
      maxBytes,
      maxWaitingBytes: maxBytes * WAITING_BYTES_FACTOR,
      overflow: o?.overflow === undefined ? l.overflow : overflowPolicy('overflow', o.overflow),
      ack: o?.ack === undefined ? DEFAULT_ACK : ackPolicy('ack', o.ack),
    };
  }

  #handle(filter: string, broker: string, sink: AnySink): Subscription {
    let done: Promise<void> | undefined;
    return {
      filter: broker,
      unsubscribe: () => {
        done ??= (async () => {
          const last = this.#subs.detach(filter, broker, sink, this.#conn.state === 'open');
          if (last !== undefined && this.#conn.state === 'open') await this.#subs.unsubscribe(last);
        })();
        return done;
      },
      stats: () => sink.stats(),
    };
  }

  // ----- receive --------------------------------------------------------------------------------------

  /** MQTT.js emits 'message' inside its packet handling: nothing may escape from here (it would end the process). */
  readonly #onMessage = (topic: string, payload: Buffer, packet: InboundPacket): void => {
    if (this.#conn.state !== 'open') return;
    const acks = this.#acks;
    acks.begin(packet);
    try {
      this.counters.received++;
      if (this.#subs.router.dispatch(topic, payload, packet, acks.hold) > 0 || packet.qos === 0) return;
      if (!this.#limits.clean && this.#limits.sessionHoldMs > 0) {
        const ticket = acks.hold();
        if (ticket !== null && !this.#subs.hold(topic, payload, packet, ticket)) {
          ticket.release();
          this.counters.dropped++;
          this.logger.warn({ topic }, 'session hold full: queued session message acknowledged and dropped');
        }
      }
    } catch (err) {
      this.logger.error({ topic, err: serializeError(err) }, 'inbound message failed inside the client');
    }
  };
}

function noop(): void {}

/** The message `name` of a multi-message channel (a ValidationFailedError naming the choices otherwise). */
function messageOf(channel: AnyChannelDescriptor, name: string): { validateData: AnyChannelDescriptor["validateData"]; framing: AnyChannelDescriptor["framing"] } {
  const m = channel.messages?.find((x) => x.name === name);
  if (m === undefined) {
    const names = (channel.messages ?? []).map((x) => x.name);
    throw new ValidationFailedError(channel.id, channel.address, [
      { path: '', rule: 'message', message: names.length ? `no message "${name}" on this channel (one of ${names.join(', ')})` : `this channel has one message: no message name is needed` },
    ]);
  }
  return m;
}

