/** Public types of the client (docs/runtime-api.md). */
import type { ChannelDescriptor, Envelope, FieldError, QoS } from './descriptor.js';
import type { ClientConfig } from './config.js';
import type { Logger } from './logger.js';
import type { MqttUrl } from './url.js';
import type { JitterStrategy } from './backoff.js';
import type { MqttFactory } from './transport.js';

export interface ConnectOptions extends Partial<Omit<ClientConfig, 'url'>> {
  /** Default: MQTT_URL via configFromEnv() when neither url nor config is given. */
  url?: string | MqttUrl;
  /** A whole config (e.g. configFromEnv()); the other fields here override it. */
  config?: ClientConfig;
  /** pino-compatible; default: JSON lines on stderr at LOG_LEVEL (default 'info'). */
  logger?: Logger;
  /** How long connect() waits for a broker that is not up yet (default 30_000). */
  connectTimeoutMs?: number;
  /** false = persistent session: the broker keeps subscriptions and queues QoS 1 messages while away (default true). */
  clean?: boolean;
  /** Size limit for outbound and inbound payloads in bytes (default 256 KiB). */
  maxPayloadBytes?: number;
  /** Retries after a failed or timed-out publish (default 2). */
  publishRetries?: number;
  /** Delay between publish retries (default 200 ms). */
  publishRetryDelayMs?: number;
  /** Time to wait for PUBACK/PUBCOMP (QoS > 0) before a retry; 0 = wait forever (default 30_000). */
  publishTimeoutMs?: number;
  /** close(): how long to wait for in-flight handlers (default 5_000). */
  drainTimeoutMs?: number;
  /** Per-subscription queue length at which the client stops reading from the socket (default 1000). */
  highWaterMark?: number;
  /** Persistent sessions (`clean: false`): how long a queued QoS 1/2 message that no subscription matches yet
   *  is held unacknowledged, waiting for the `subscribe()` that will take it (default 5_000). The broker sends
   *  a resumed session's queue right after CONNACK, before the caller can subscribe. */
  sessionHoldMs?: number;
  /** Reconnect jitter (default 'full'). */
  jitter?: JitterStrategy;
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  /** Internal/testing: builds the MQTT.js client (default mqtt.connect). */
  mqttFactory?: MqttFactory;
}

export interface PublishOptions<P extends string> {
  params?: Record<P, string>;
  /** Reuse this Envelope id (replies, stream deltas). */
  correlate?: string;
  /** Overrides publishRetries for this call. */
  retries?: number;
}

export interface MessageMeta<P extends string> {
  topic: string;
  channel: string;
  params: Record<P, string>;
  qos: QoS;
  retain: boolean;
}

export type MessageHandler<T, P extends string> = (
  data: T,
  envelope: Envelope<T> | null,
  meta: MessageMeta<P>,
) => void | Promise<void>;

export type InvalidReason = 'json' | 'not-envelope' | 'event-type' | 'schema' | 'too-large';

export interface InvalidMessage {
  topic: string;
  channel: string;
  reason: InvalidReason;
  errors: readonly FieldError[];
  payload: Uint8Array;
}

export interface SubscribeOptions<P extends string> {
  params?: Partial<Record<P, string>>;
  /** Handlers of this subscription running at once (default 1: in order). */
  concurrency?: number;
  /** Default: on when config.dedupeTtl > 0. */
  dedupe?: boolean;
  onInvalid?: (invalid: InvalidMessage) => void;
}

export interface Subscription {
  readonly filter: string;
  unsubscribe(): Promise<void>;
}

export interface RawMeta {
  topic: string;
  qos: QoS;
  retain: boolean;
}

export type RawHandler = (payload: Buffer, meta: RawMeta) => void | Promise<void>;

export type CloseReason = { kind: 'closed' } | { kind: 'error'; error: Error };

export type StatusEvent =
  | { type: 'connected'; reconnect: boolean }
  | { type: 'reconnecting'; attempt: number; delayMs: number }
  | { type: 'disconnected'; reason?: string }
  | { type: 'error'; error: Error }
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
}

export interface BusClient {
  readonly clientId: string;
  readonly source: string;
  readonly connected: boolean;
  publish<T, P extends string>(channel: ChannelDescriptor<T, P>, data: T, options?: PublishOptions<P>): Promise<string | undefined>;
  subscribe<T, P extends string>(
    channel: ChannelDescriptor<T, P>,
    handler: MessageHandler<T, P>,
    options?: SubscribeOptions<P>,
  ): Promise<Subscription>;
  publishRaw(topic: string, payload: string | Uint8Array, options: { qos: QoS; retain?: boolean }): Promise<void>;
  subscribeRaw(filter: string, handler: RawHandler, options: { qos: QoS; concurrency?: number }): Promise<Subscription>;
  on(event: 'status', listener: (status: StatusEvent) => void): () => void;
  stats(): ClientStats;
  close(options?: { timeoutMs?: number }): Promise<void>;
  closed(): Promise<CloseReason>;
  [Symbol.asyncDispose](): Promise<void>;
}
