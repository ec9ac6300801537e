/** Public types of the client (docs/runtime-api.md). */
import type { ChannelDescriptor, Envelope, FieldError, LifecycleChannel, QoS } from './descriptor.js';
import type { ClientConfig } from './config.js';
import type { AckPolicy, OverflowPolicy } from './dispatch-queue.js';
import type { Logger } from './logger.js';
import type { MqttUrl } from './url.js';
import type { JitterStrategy } from './backoff.js';
import type { MqttFactory } from './transport.js';

export type { AckPolicy, OverflowPolicy } from './dispatch-queue.js';
export type { LifecycleChannel } from './descriptor.js';

export interface OfflineQueueOptions {
  /** Publishes held while offline (default 1_000). */
  maxMessages?: number;
  /** Payload bytes held while offline (default 8 MiB). */
  maxBytes?: number;
  /** Queue QoS 0 publishes too (default false: a QoS 0 publish while offline rejects with NotConnectedError). */
  qos0?: boolean;
}

export interface ConnectOptions extends Partial<Omit<ClientConfig, 'url'>> {
  /** Default: MQTT_URL via configFromEnv() when neither url nor config is given. */
  url?: string | MqttUrl;
  /** A whole config (e.g. configFromEnv()); the other fields here override it. */
  config?: ClientConfig;
  /** pino-compatible; default: JSON lines on stderr at LOG_LEVEL (default 'info'). */
  logger?: Logger;
  /** How long connect() waits for a broker that is not up yet (default 30_000; 0 = no limit). */
  connectTimeoutMs?: number;
  /** false = persistent session: the broker keeps subscriptions and queues QoS 1 messages while away (default true). */
  clean?: boolean;
  /** MQTT 5, persistent sessions: seconds the broker keeps the session after a disconnect (default 86_400 when
   *  `clean` is false; 0 when clean). MQTT 3.1.1 has no such field: the broker's own setting applies. */
  sessionExpirySeconds?: number;
  /** MQTT 5: the most unacknowledged QoS 1/2 messages the broker may send this client at once (default: the
   *  broker's). With 3.1.1 the broker's own in-flight limit applies (Mosquitto: max_inflight_messages, 20). */
  receiveMaximum?: number;
  /** Size limit for outbound and inbound payloads in bytes (default 256 KiB). */
  maxPayloadBytes?: number;
  /** Nesting limit of inbound JSON (objects and arrays; default 64). */
  maxDepth?: number;
  /** Retries after a failed or timed-out publish (default 2). */
  publishRetries?: number;
  /** Delay between publish retries (default 200 ms). */
  publishRetryDelayMs?: number;
  /** Time to wait for PUBACK/PUBCOMP (QoS > 0) or, offline, for the connection; 0 = no limit (default 30_000). */
  publishTimeoutMs?: number;
  /** Publishes made while offline: bounds and whether QoS 0 is queued. */
  offlineQueue?: OfflineQueueOptions;
  /** close(): how long to wait for in-flight handlers (default 5_000). */
  drainTimeoutMs?: number;
  /** Default per-subscription bound: messages received and not yet handled (default 1_000). */
  maxPending?: number;
  /** Default per-subscription bound in payload bytes (default 8 MiB). */
  maxPendingBytes?: number;
  /** Default overflow policy of subscriptions (default 'wait'). */
  overflow?: OverflowPolicy;
  /** Persistent sessions (`clean: false`): how long a queued QoS 1/2 message that no subscription matches yet
   *  is held unacknowledged, waiting for the `subscribe()` that will take it (default 5_000). The broker sends
   *  a resumed session's queue right after CONNACK, before the caller can subscribe. */
  sessionHoldMs?: number;
  /** The channel of the health protocol (`enableHealth`): retained ready / reconnected / shutdown, and a Last Will
   *  (offline). `tars-contracts` passes the contract's; null turns it off. */
  health?: LifecycleChannel | null;
  /** The channel of the heartbeat (`enableHeartbeat`), sent every `heartbeatInterval` while connected. */
  heartbeat?: LifecycleChannel | null;
  /** Reconnect jitter (default 'full'). */
  jitter?: JitterStrategy;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  /** Internal/testing: builds the MQTT.js client (default mqtt.connect). */
  mqttFactory?: MqttFactory;
}

export interface PublishOptions<P extends string> {
  params?: Record<P, string>;
  /** On a channel with several messages: which one `data` is (validated and framed as that message; without it,
   *  against the union of the messages, with the channel's framing). The generated publish<Channel><Message> sets it. */
  message?: string;
  /** Reuse this Envelope id (replies, stream deltas). */
  correlate?: string;
  /** Overrides publishRetries for this call. */
  retries?: number;
}

/** Options of a generated publish function: no QoS, retain or params (the contract and the arguments fix them). */
export interface TypedPublishOptions {
  /** Reuse this Envelope id (a reply or stream message answering a request that is correlated by Envelope id). */
  correlate?: string;
  /** Retries after a failed or unacknowledged publish (default: the client's publishRetries). */
  retries?: number;
}

/** Options of a generated subscribe function (parameters are its arguments). */
export interface TypedSubscribeOptions extends FlowOptions {
  /** Share group: the broker gives each message to one member (`$share/<group>/...`). */
  group?: string;
  /** Drop duplicate Envelopes (default: on when the client's dedupeTtl > 0). */
  dedupe?: boolean;
  /** Called for each message that failed validation (it never reaches the handler). */
  onInvalid?: (invalid: InvalidMessage) => void;
}

/** Options of a generated request function. */
export interface TypedRequestOptions {
  /** Whole-request deadline in ms (default 30 000; 0 = none): RequestTimeoutError after it. */
  timeoutMs?: number;
  /** Abort: the request rejects with RequestAbortedError (name 'AbortError'). */
  signal?: AbortSignal;
}

/** Options of a generated stream function. */
export interface TypedStreamOptions {
  /** Inactivity timeout in ms (default 30 000; 0 = none): StreamTimeoutError after it. */
  timeoutMs?: number;
  /** Abort: the iterator throws RequestAbortedError. */
  signal?: AbortSignal;
}

export interface MessageMeta<P extends string> {
  topic: string;
  channel: string;
  params: Record<P, string>;
  qos: QoS;
  retain: boolean;
  /** On a channel with several messages: the name of the one this message is. */
  message?: string;
}

export type MessageHandler<T, P extends string> = (
  data: T,
  envelope: Envelope<T> | null,
  meta: MessageMeta<P>,
) => void | Promise<void>;

/**
 * Why an inbound message was refused: 'too-large' (over maxPayloadBytes), 'encoding' (not UTF-8), 'json',
 * 'too-deep' (over maxDepth), 'number' (not a finite double), 'not-envelope', 'event-type', 'schema', 'topic' (the topic
 * breaks the address pattern or a parameter's enum).
 */
export type InvalidReason = 'json' | 'encoding' | 'too-deep' | 'number' | 'not-envelope' | 'event-type' | 'schema' | 'too-large' | 'topic';

export interface InvalidMessage {
  topic: string;
  channel: string;
  reason: InvalidReason;
  errors: readonly FieldError[];
  payload: Uint8Array;
}

/** How a subscription takes messages: concurrency, bounds, overflow and acknowledgement (docs/runtime-api.md). */
export interface FlowOptions {
  /** Handlers of this subscription running at once (default 1: in order). */
  concurrency?: number;
  /** Messages received and not yet started (default: the client's maxPending, 1_000). */
  maxPending?: number;
  /** Their payload bytes (default: the client's maxPendingBytes, 8 MiB). */
  maxPendingBytes?: number;
  /** Over the bound: 'wait' (QoS 1/2 unacknowledged, the broker holds the rest), 'drop-oldest', 'drop-newest'. */
  overflow?: OverflowPolicy;
  /** When a QoS 1/2 message is acknowledged: 'received' (default: once the subscription took it) or 'handled'
   *  (once its handler settled; with a persistent session a crash before that gets it again). */
  ack?: AckPolicy;
  /** Deadline for the broker's SUBACK, counting time offline; 0 = none (default). SubscribeTimeoutError. */
  timeoutMs?: number;
  /** Abort the subscribe while it waits for the broker (AbortError). */
  signal?: AbortSignal;
}

export interface SubscribeOptions<P extends string> extends TypedSubscribeOptions {
  params?: Partial<Record<P, string>>;
}

export interface SubscriptionStats {
  /** Handlers running now. */
  running: number;
  /** Messages admitted, not started. */
  queued: number;
  queuedBytes: number;
  /** Messages over the bound, waiting (policy 'wait'). */
  waiting: number;
  /** Messages dropped by the overflow policy so far. */
  dropped: number;
}

export interface Subscription {
  /** The filter subscribed at the broker ($share/<group>/... for a share group). */
  readonly filter: string;
  unsubscribe(): Promise<void>;
  stats(): SubscriptionStats;
}

export interface RawMeta {
  topic: string;
  qos: QoS;
  retain: boolean;
}

export type RawHandler = (payload: Buffer, meta: RawMeta) => void | Promise<void>;

export interface RawSubscribeOptions extends FlowOptions {
  qos: QoS;
  group?: string;
}

export type CloseReason = { kind: 'closed' } | { kind: 'error'; error: Error };

export type StatusEvent =
  | { type: 'connected'; reconnect: boolean }
  | { type: 'reconnecting'; attempt: number; delayMs: number }
  | { type: 'disconnected'; reason?: string }
  | { type: 'error'; error: Error }
  | {
      /** A subscription could not keep up: the start of an overflow episode (once per episode). */
      type: 'slowConsumer';
      filter: string;
      channel: string | null;
      policy: OverflowPolicy;
      queued: number;
      queuedBytes: number;
    }
  | { type: 'closed'; reason: CloseReason };

export interface ClientStats {
  published: number;
  received: number;
  invalid: number;
  duplicates: number;
  handlerErrors: number;
  reconnects: number;
  /** Messages queued for a handler but never started because the subscription or client closed. */
  dropped: number;
  /** Overflow episodes (slowConsumer events). */
  slowConsumers: number;
  /** Messages dropped by a subscription's overflow policy. */
  overflowDropped: number;
}

export interface BusClient {
  readonly clientId: string;
  readonly source: string;
  readonly connected: boolean;
  publish<T, P extends string, I extends string | undefined>(channel: ChannelDescriptor<T, P, I>, data: T, options?: PublishOptions<P>): Promise<I>;
  subscribe<T, P extends string>(
    channel: ChannelDescriptor<T, P>,
    handler: MessageHandler<T, P>,
    options?: SubscribeOptions<P>,
  ): Promise<Subscription>;
  publishRaw(topic: string, payload: string | Uint8Array, options: { qos: QoS; retain?: boolean }): Promise<void>;
  subscribeRaw(filter: string, handler: RawHandler, options: RawSubscribeOptions): Promise<Subscription>;
  on(event: 'status', listener: (status: StatusEvent) => void): () => void;
  stats(): ClientStats;
  close(options?: { timeoutMs?: number }): Promise<void>;
  closed(): Promise<CloseReason>;
  [Symbol.asyncDispose](): Promise<void>;
}
