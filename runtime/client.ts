/**
 * The bus client on top of MQTT.js: lifecycle, reconnect backoff, publish, subscribe, flow control, health,
 * heartbeat and shutdown. One MQTT.js 'message' listener feeds a TopicRouter.
 *
 * Reconnect: MQTT.js retries at a fixed `reconnectPeriod`; a listener prepended to 'close' (so it runs before
 * MQTT.js schedules the retry) sets that period from a jittered Backoff. MQTT.js keeps its session state
 * (in-flight QoS 1/2 retransmission). Resubscribe and the offline queue are ours, because MQTT.js flushes
 * its offline store BEFORE it resubscribes: a client's own outage publishes would reach the broker while it
 * has no subscription, and a client subscribed to its own topics would miss them. So on reconnect we
 * resubscribe first, wait for the SUBACKs, then send what was published while offline. Flow control: MQTT.js parses the next packet only after `handleMessage`'s callback, so
 * holding that callback while a subscription queue is over its high-water mark stops reading the socket (and
 * withholds the PUBACK of the current QoS 1 message) without dropping anything.
 */
import mqtt, { type IClientOptions, type IPublishPacket } from 'mqtt';
import { Backoff } from './backoff.js';
import { configFromEnv, defaultConfig, generateClientId, validateConfig, DEFAULT_DEDUPE_MAX_ENTRIES, type ClientConfig } from './config.js';
import { Deduper } from './dedupe.js';
import type { ChannelDescriptor, QoS } from './descriptor.js';
import { newEnvelopeId } from './envelope.js';
import {
  ClosedError, ConfigError, ConnectTimeoutError, InvalidTopicError, NotAuthorizedError, PayloadTooLargeError,
  PublishFailedError, ValidationFailedError, messageOf,
} from './errors.js';
import { HEALTH_QOS, healthEnvelope, healthTopic, heartbeatPayload, heartbeatTopic, type HealthEvent } from './health.js';
import { correlationOf, createJsonLogger, levelEnabled, serializeError, type Logger } from './logger.js';
import { TopicRouter, type Sink } from './router.js';
import { ChannelSubscription, RawSubscription, type SubscriptionHost } from './subscription.js';
import { buildTopic, compileFilter, topicMatches } from './topic.js';
import type { MqttFactory, MqttTransport } from './transport.js';
import type {
  BusClient, ClientStats, CloseReason, ConnectOptions, MessageHandler, PublishOptions, RawHandler, StatusEvent,
  SubscribeOptions, Subscription,
} from './types.js';
import { parseMqttUrl, redactText } from './url.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
export const DEFAULT_PUBLISH_RETRIES = 2;
export const DEFAULT_PUBLISH_RETRY_DELAY_MS = 200;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
export const DEFAULT_HIGH_WATER_MARK = 1_000;
export const DEFAULT_SESSION_HOLD_MS = 5_000;
/** Used by subscribe({ dedupe: true }) when the config has dedupe off. */
export const DEFAULT_DEDUPE_TTL_WHEN_FORCED = 30;
/** Bounds the shutdown health publish and the DISCONNECT so close() always finishes. */
const CLOSE_STEP_TIMEOUT_MS = 3_000;

const CONFIG_KEYS = [
  'clientId', 'sourceName', 'keepalive', 'enableHealth', 'enableHeartbeat', 'heartbeatInterval', 'dedupeTtl',
  'dedupeMaxEntries', 'reconnectMinDelay', 'reconnectMaxDelay',
] as const satisfies readonly (keyof ClientConfig)[];

/**
 * Config precedence: explicit option > `config` > (when no `config` and no `url`) the environment.
 * With `url` but no `config`, the environment is not read: everything else takes its default.
 */
export function resolveConfig(o: ConnectOptions): ClientConfig {
  let base: ClientConfig;
  if (o.config) base = o.config;
  else if (o.url !== undefined) base = defaultConfig(parseUrlOption(o.url), o.clientId ?? generateClientId());
  else base = configFromEnv();
  const merged: { -readonly [K in keyof ClientConfig]: ClientConfig[K] } = { ...base };
  if (o.config && o.url !== undefined) merged.url = parseUrlOption(o.url);
  for (const k of CONFIG_KEYS) {
    const v = o[k];
    if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
  }
  if (o.clientId !== undefined && o.sourceName === undefined && base.sourceName === base.clientId) merged.sourceName = o.clientId;
  if (o.dedupeTtl !== undefined && o.dedupeTtl > 0 && o.dedupeMaxEntries === undefined && merged.dedupeMaxEntries === 0) {
    merged.dedupeMaxEntries = DEFAULT_DEDUPE_MAX_ENTRIES;
  }
  return validateConfig(merged);
}

function parseUrlOption(url: string | ClientConfig['url']): ClientConfig['url'] {
  return typeof url === 'string' ? parseMqttUrl(url, 'url') : url;
}

function nonNegative(name: string, v: number | undefined, dflt: number, integer = false): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new ConfigError(name, integer ? 'must be an integer >= 0' : 'must be a number >= 0', String(v));
  }
  return v;
}

/** Connects and resolves once the broker accepted the session (waiting up to connectTimeoutMs for it). */
export async function connect(options: ConnectOptions = {}): Promise<BusClient> {
  const client = new MqttBusClient(resolveConfig(options), options);
  await client.start();
  return client;
}

type State = 'connecting' | 'open' | 'closing' | 'closed';

interface FilterEntry {
  qos: QoS;
  ready: Promise<void>;
  /** Set when the filter was added while offline: resolved by the resubscribe after the reconnect. */
  deferred?: { resolve: () => void; reject: (e: Error) => void };
}

/** One publish() (all its attempts): plain data, so the hot path allocates no closure per message. */
interface SendJob {
  readonly topic: string;
  readonly payload: string | Buffer;
  readonly qos: QoS;
  readonly retain: boolean;
  readonly retries: number;
  readonly id: unknown;
  readonly data: unknown;
  /** 1-based number of the current attempt. */
  attempt: number;
  /** The current attempt has its outcome (later MQTT.js callbacks for it are ignored). */
  settled: boolean;
  /** Acknowledgement deadline (ms since epoch; Infinity with publishTimeoutMs 0) while in #pending, else 0. */
  deadline: number;
  messageId: number | undefined;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
}

interface OfflinePublish {
  job: SendJob;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
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

const AUTH_CODES = new Set([4, 5, 134, 135]);

function isAuthRefusal(err: Error): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && AUTH_CODES.has(code) && err.message.startsWith('Connection refused') ? code : undefined;
}

export class MqttBusClient implements BusClient, SubscriptionHost {
  readonly clientId: string;
  readonly source: string;
  readonly logger: Logger;
  readonly counters: ClientStats = { published: 0, received: 0, invalid: 0, duplicates: 0, handlerErrors: 0, reconnects: 0, dropped: 0 };
  readonly maxPayloadBytes: number;
  readonly highWaterMark: number;

  readonly #config: ClientConfig;
  readonly #urlText: string;
  readonly #connectTimeoutMs: number;
  readonly #publishRetries: number;
  readonly #publishRetryDelayMs: number;
  readonly #publishTimeoutMs: number;
  readonly #drainTimeoutMs: number;
  readonly #backoff: Backoff;
  readonly #router = new TopicRouter<ChannelSubscription<unknown, string> | RawSubscription>();
  readonly #sinks = new Set<ChannelSubscription<unknown, string> | RawSubscription>();
  /** Broker subscriptions: filter → granted QoS and the pending SUBACK. */
  readonly #filters = new Map<string, FilterEntry>();
  /** Publishes made while offline (or while resubscribing), sent in order once subscriptions are back. */
  #offline: OfflinePublish[] = [];
  /** QoS > 0 publishes waiting for their acknowledgement, in deadline order; one timer (#ackTimer) for all
   *  (none with publishTimeoutMs 0). */
  readonly #pending = new Set<SendJob>();
  #ackTimer: NodeJS.Timeout | undefined;
  /** QoS 0 publishes written into a full socket buffer, resolved together at its 'drain'. */
  #drainJobs: SendJob[] = [];
  #drainStream: NonNullable<MqttTransport['stream']> | undefined;
  /** JSON text of the source and of each event type, spliced into outbound Envelopes. */
  readonly #sourceJson: string;
  readonly #typeJson = new Map<string, string>();
  #tsMs = -1;
  #tsText = '';
  /** Connected and resubscribed: publishes may go to the wire. */
  #online = false;
  /** Bumped on every connect, so a stale resubscribe does not mark a newer connection online. */
  #generation = 0;
  readonly #statusListeners = new Set<(s: StatusEvent) => void>();
  readonly #mqtt: MqttTransport;

  #state: State = 'connecting';
  #everConnected = false;
  #isUp = false;
  #delayPlanned = false;
  #lastError: Error | undefined;
  #pauses = 0;
  #held: ((err?: Error) => void)[] = [];
  readonly #sessionHoldMs: number;
  /** A resumed session's message that no subscription matched yet, held unacknowledged (socket reads wait). */
  #unrouted: { topic: string; payload: Buffer; packet: IPublishPacket; ack?: () => void; timer: NodeJS.Timeout } | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #startWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #closing: Promise<void> | undefined;
  #resolveClosed!: (r: CloseReason) => void;
  readonly #closed = new Promise<CloseReason>((r) => (this.#resolveClosed = r));

  constructor(config: ClientConfig, options: ConnectOptions) {
    this.#config = config;
    this.clientId = config.clientId;
    this.source = config.sourceName;
    this.#sourceJson = JSON.stringify(config.sourceName);
    this.#urlText = String(config.url);
    const base = options.logger ?? createJsonLogger();
    this.logger = base.child ? base.child({ client_id: config.clientId }) : base;
    this.#connectTimeoutMs = nonNegative('connectTimeoutMs', options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS);
    this.maxPayloadBytes = nonNegative('maxPayloadBytes', options.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, true);
    this.#publishRetries = nonNegative('publishRetries', options.publishRetries, DEFAULT_PUBLISH_RETRIES, true);
    this.#publishRetryDelayMs = nonNegative('publishRetryDelayMs', options.publishRetryDelayMs, DEFAULT_PUBLISH_RETRY_DELAY_MS);
    this.#publishTimeoutMs = nonNegative('publishTimeoutMs', options.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS);
    this.#drainTimeoutMs = nonNegative('drainTimeoutMs', options.drainTimeoutMs, DEFAULT_DRAIN_TIMEOUT_MS);
    this.highWaterMark = Math.max(1, nonNegative('highWaterMark', options.highWaterMark, DEFAULT_HIGH_WATER_MARK, true));
    this.#sessionHoldMs = nonNegative('sessionHoldMs', options.sessionHoldMs, DEFAULT_SESSION_HOLD_MS, true);
    this.#backoff = new Backoff({
      minMs: config.reconnectMinDelay * 1000,
      maxMs: config.reconnectMaxDelay * 1000,
      strategy: options.jitter ?? 'full',
    });
    const factory: MqttFactory = options.mqttFactory ?? ((o) => mqtt.connect(o) as unknown as MqttTransport);
    this.#mqtt = factory(this.#mqttOptions(options));
    const m = this.#mqtt;
    m.handleMessage = this.#flow;
    m.prependListener('close', this.#onClose);
    m.on('connect', this.#onConnect);
    m.on('message', this.#onMessage);
    m.on('error', this.#onError);
  }

  #mqttOptions(options: ConnectOptions): IClientOptions {
    const c = this.#config;
    const u = c.url;
    const ws = u.protocol === 'ws' || u.protocol === 'wss';
    const o: IClientOptions = {
      protocol: u.protocol,
      // MQTT.js writes hostname into the WebSocket URL as is, so IPv6 needs its brackets there.
      hostname: ws && u.host.includes(':') ? `[${u.host}]` : u.host,
      port: u.port,
      clientId: c.clientId,
      keepalive: c.keepalive,
      clean: options.clean ?? true,
      protocolVersion: 4,
      reconnectPeriod: this.#backoff.next(),
      connectTimeout: Math.max(1000, Math.min(this.#connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS)),
      resubscribe: false,
      queueQoSZero: true,
      reconnectOnConnackError: true,
    };
    this.#backoff.reset();
    if (u.path !== undefined) o.path = u.path;
    if (u.username !== undefined) o.username = u.username;
    if (u.password !== undefined) o.password = u.password.reveal();
    if (c.enableHealth) o.will = this.#will();
    const tls = options.tls;
    if (tls) {
      if (tls.ca !== undefined) o.ca = tls.ca;
      if (tls.cert !== undefined) o.cert = tls.cert;
      if (tls.key !== undefined) o.key = tls.key;
      if (tls.rejectUnauthorized !== undefined) o.rejectUnauthorized = tls.rejectUnauthorized;
    }
    return o;
  }

  /** The Last Will: ok=false 'offline'. Fixed per CONNECT, so its timestamp is the time of the (re)connect attempt. */
  #will(): NonNullable<IClientOptions['will']> {
    const env = healthEnvelope(this.source, false, 'offline');
    return { topic: healthTopic(this.clientId), payload: Buffer.from(JSON.stringify(env)), qos: HEALTH_QOS, retain: true };
  }

  // ----- lifecycle ---------------------------------------------------------------------------------------

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#startWaiter = { resolve, reject };
      if (this.#connectTimeoutMs > 0) {
        this.#connectTimer = setTimeout(() => {
          this.#failStart(new ConnectTimeoutError(this.#urlText, this.#connectTimeoutMs, this.#lastError));
        }, this.#connectTimeoutMs);
      }
    });
    if (this.#config.enableHealth) await withTimeout(this.#publishHealth('ready'), CLOSE_STEP_TIMEOUT_MS);
    if (this.#config.enableHeartbeat) this.#startHeartbeat();
  }

  /** Publishes still queued or unacknowledged when the client closes can never complete (MQTT.js does not
   *  call back QoS 1/2 publishes it still holds at end()). */
  #failOffline(): void {
    const queued = this.#offline;
    this.#offline = [];
    for (const p of queued) {
      if (p.done) continue;
      p.done = true;
      clearTimeout(p.timer);
      p.job.settled = true;
      this.#finish(p.job, new Error('client disconnecting'));
    }
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const job of this.#pending) {
      job.settled = true;
      this.#finish(job, new Error('client disconnecting'));
    }
    this.#pending.clear();
    this.#releaseDrain(new Error('client disconnecting'));
    for (const entry of this.#filters.values()) entry.deferred?.reject(new ClosedError());
  }

  #failStart(err: Error): void {
    const waiter = this.#startWaiter;
    if (!waiter) return;
    this.#startWaiter = undefined;
    clearTimeout(this.#connectTimer);
    this.#state = 'closed';
    this.logger.error({ url: this.#urlText, err: serializeError(err) }, 'connect failed');
    this.#mqtt.end(true);
    const reason: CloseReason = { kind: 'error', error: err };
    this.#emit({ type: 'closed', reason });
    this.#resolveClosed(reason);
    waiter.reject(err);
  }

  readonly #onConnect = (connack?: { sessionPresent?: boolean }): void => {
    // Without TCP_NODELAY, Nagle holds back-to-back small publishes (QoS 1 windows, stream deltas) for ~40 ms.
    this.#mqtt.stream?.setNoDelay?.(true);
    this.#backoff.reset();
    this.#isUp = true;
    this.#lastError = undefined;
    const reconnect = this.#everConnected;
    this.#everConnected = true;
    if (reconnect) this.counters.reconnects++;
    this.logger.info({ url: this.#urlText, reconnect }, reconnect ? 'reconnected' : 'connected');
    this.#emit({ type: 'connected', reconnect });
    const generation = ++this.#generation;
    if (reconnect) void this.#resubscribeThenFlush(generation, connack?.sessionPresent === true && this.#mqtt.options.clean === false);
    else this.#online = true;
    const waiter = this.#startWaiter;
    if (waiter && this.#state === 'connecting') {
      this.#startWaiter = undefined;
      clearTimeout(this.#connectTimer);
      this.#state = 'open';
      waiter.resolve();
    } else if (reconnect && this.#state === 'open' && this.#config.enableHealth) {
      void this.#publishHealth('reconnected');
    }
  };

  async #resubscribeThenFlush(generation: number, sessionPresent: boolean): Promise<void> {
    const m = this.#mqtt;
    const work: Promise<void>[] = [];
    for (const [filter, entry] of this.#filters) {
      // A resumed session still has the broker-side subscriptions, except those made while we were away.
      if (sessionPresent && !entry.deferred) continue;
      const deferred = entry.deferred;
      entry.deferred = undefined;
      work.push(
        m.subscribeAsync(filter, { qos: entry.qos }).then(
          () => deferred?.resolve(),
          (err: unknown) => {
            this.logger.warn({ filter, err: serializeError(err) }, 'resubscribe failed');
            if (deferred) entry.deferred = deferred; // retried on the next connect
          },
        ),
      );
    }
    await Promise.all(work);
    if (generation !== this.#generation || !m.connected) return;
    this.#online = true;
    this.#flushOffline();
  }

  #flushOffline(): void {
    const queued = this.#offline;
    this.#offline = [];
    for (const p of queued) {
      if (p.done) continue;
      p.done = true;
      clearTimeout(p.timer);
      this.#wire(p.job);
    }
  }

  /** Runs before MQTT.js's own 'close' handler, which schedules the retry with options.reconnectPeriod. */
  readonly #onClose = (): void => {
    this.#online = false;
    this.#forgetUnrouted();
    if (this.#state === 'closing' || this.#state === 'closed') return;
    if (this.#isUp) {
      this.#isUp = false;
      const reason = this.#lastError ? redactText(messageOf(this.#lastError)) : 'connection closed';
      this.logger.warn({ url: this.#urlText, reason }, 'disconnected');
      this.#emit({ type: 'disconnected', reason });
    }
    const opts = this.#mqtt.options;
    if (this.#delayPlanned) this.#delayPlanned = false;
    else opts.reconnectPeriod = this.#backoff.next();
    if (this.#config.enableHealth) opts.will = this.#will();
    const delayMs = opts.reconnectPeriod ?? 0;
    const attempt = this.#backoff.attempt;
    if (levelEnabled(this.logger, 'debug')) this.logger.debug({ attempt, delayMs }, 'reconnecting');
    this.#emit({ type: 'reconnecting', attempt, delayMs });
  };

  readonly #onError = (err: Error): void => {
    const authCode = isAuthRefusal(err);
    if (authCode !== undefined) {
      const e = new NotAuthorizedError(this.#urlText, authCode, err);
      this.#lastError = e;
      if (this.#state === 'connecting') {
        // Credentials do not fix themselves: fail connect() at once instead of retrying until the timeout.
        this.#emit({ type: 'error', error: e });
        this.#failStart(e);
        return;
      }
      // Later refusals (revoked credentials) keep retrying, but on the backoff: MQTT.js schedules the retry
      // right after this listener returns, before 'close', so the delay is set here.
      this.#mqtt.options.reconnectPeriod = this.#backoff.next();
      this.#delayPlanned = true;
      this.logger.error({ url: this.#urlText, err: serializeError(e) }, 'broker refused credentials');
      this.#emit({ type: 'error', error: e });
      return;
    }
    this.#lastError = err;
    this.logger.warn({ url: this.#urlText, err: serializeError(err) }, 'mqtt error');
    this.#emit({ type: 'error', error: err });
  };

  get connected(): boolean {
    return this.#state === 'open' && this.#mqtt.connected;
  }

  on(event: 'status', listener: (status: StatusEvent) => void): () => void {
    if (event !== 'status') throw new TypeError(`unknown event ${String(event)}`);
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  }

  #emit(status: StatusEvent): void {
    for (const l of this.#statusListeners) {
      try {
        l(status);
      } catch (err) {
        this.logger.error({ status: status.type, err: serializeError(err) }, 'status listener threw');
      }
    }
  }

  stats(): ClientStats {
    return { ...this.counters };
  }

  closed(): Promise<CloseReason> {
    return this.#closed;
  }

  close(options?: { timeoutMs?: number }): Promise<void> {
    this.#closing ??= this.#shutdown(options?.timeoutMs ?? this.#drainTimeoutMs);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(drainMs: number): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closing';
    clearInterval(this.#heartbeat);
    let dropped = 0;
    for (const s of this.#sinks) dropped += s.stop();
    const drained = await withTimeout(Promise.all([...this.#sinks].map((s) => s.idle())), drainMs);
    if (!drained || dropped > 0) this.logger.warn({ dropped, drained, drainMs }, 'closing with unfinished messages');
    if (this.#config.enableHealth && this.#mqtt.connected) {
      await withTimeout(this.#publishHealth('shutdown'), CLOSE_STEP_TIMEOUT_MS);
    }
    const ended = await withTimeout(this.#mqtt.endAsync().catch(() => undefined), CLOSE_STEP_TIMEOUT_MS);
    // MQTT.js's end() waits for every outstanding acknowledgement first, and a second end(true) is a no-op
    // while the first is pending: force it by closing the socket.
    if (!ended) this.#mqtt.stream?.destroy?.();
    this.#state = 'closed';
    this.#failOffline();
    // Never acknowledge what was held back: the session is gone, and a persistent one will redeliver.
    this.#held = [];
    this.#forgetUnrouted();
    const reason: CloseReason = { kind: 'closed' };
    this.logger.info({ url: this.#urlText }, 'closed');
    this.#emit({ type: 'closed', reason });
    this.#resolveClosed(reason);
  }

  // ----- health and heartbeat -------------------------------------------------------------------------

  async #publishHealth(event: HealthEvent): Promise<void> {
    const ok = event !== 'shutdown' && event !== 'offline';
    const env = healthEnvelope(this.source, ok, event);
    try {
      await this.#send(healthTopic(this.clientId), JSON.stringify(env), HEALTH_QOS, true, 0, env.id, env.data);
    } catch (err) {
      this.logger.warn({ event, err: serializeError(err) }, 'health publish failed');
    }
  }

  #startHeartbeat(): void {
    const topic = heartbeatTopic(this.clientId);
    this.#heartbeat = setInterval(() => {
      // A heartbeat queued while offline would be stale by the time it is sent.
      if (!this.#mqtt.connected) return;
      this.#mqtt.publish(topic, JSON.stringify(heartbeatPayload()), { qos: 0, retain: false }, this.#heartbeatDone);
    }, this.#config.heartbeatInterval * 1000);
    this.#heartbeat.unref();
  }

  readonly #heartbeatDone = (err?: Error | null): void => {
    if (err) this.logger.debug({ err: serializeError(err) }, 'heartbeat publish failed');
  };

  // ----- publish --------------------------------------------------------------------------------------

  publish<T, P extends string>(channel: ChannelDescriptor<T, P>, data: T, options?: PublishOptions<P>): Promise<string | undefined> {
    if (this.#state !== 'open') return Promise.reject(new ClosedError());
    let topic: string;
    try {
      topic = channel.parameters.length === 0 ? channel.address : buildTopic(channel.address, options?.params);
    } catch (err) {
      return Promise.reject(err);
    }
    const v = channel.validateData(data);
    if (!v.ok) {
      const err = new ValidationFailedError(channel.id, topic, v.errors);
      this.logger.warn({ topic, channel: channel.id, path: err.path, rule: err.rule, ...correlationOf(options?.correlate, data) }, 'refused invalid outbound message');
      return Promise.reject(err);
    }
    const f = channel.framing;
    let id: string | undefined;
    let payload: string;
    if (f.kind === 'envelope' && !f.publishBare) {
      const correlate = options?.correlate;
      id = correlate ?? newEnvelopeId();
      payload = this.#envelopeJson(id, correlate !== undefined, f.eventType, data);
    } else {
      payload = JSON.stringify(data);
    }
    const tooLarge = this.#checkSize(topic, payload);
    if (tooLarge) return Promise.reject(tooLarge);
    if (levelEnabled(this.logger, 'debug')) {
      this.logger.debug({ topic, channel: channel.id, qos: channel.qos, bytes: payload.length, ...correlationOf(id, data) }, 'publish');
    }
    return this.#send(topic, payload, channel.qos, channel.retain, options?.retries ?? this.#publishRetries, id, data);
  }

  /**
   * Exactly JSON.stringify({ id, type, ts, source, data }), built by concatenation: only `data` is
   * stringified per message (a fresh id is 32 hex chars; type and source JSON are computed once).
   */
  #envelopeJson(id: string, idNeedsEscaping: boolean, type: string, data: unknown): string {
    const dataJson = JSON.stringify(data) as string | undefined;
    // No data key (undefined/function), or a toJSON that could depend on its key: let JSON.stringify decide.
    if (dataJson === undefined || (data !== null && typeof data === 'object' && typeof (data as { toJSON?: unknown }).toJSON === 'function')) {
      return JSON.stringify({ id, type, ts: Date.now() / 1000, source: this.source, data });
    }
    let typeJson = this.#typeJson.get(type);
    if (typeJson === undefined) {
      typeJson = JSON.stringify(type);
      this.#typeJson.set(type, typeJson);
    }
    const idJson = idNeedsEscaping ? JSON.stringify(id) : '"' + id + '"';
    // Number → text of a fractional double is costly; ts changes once per millisecond, so reuse it.
    const ms = Date.now();
    if (ms !== this.#tsMs) {
      this.#tsMs = ms;
      this.#tsText = String(ms / 1000);
    }
    return '{"id":' + idJson + ',"type":' + typeJson + ',"ts":' + this.#tsText + ',"source":' + this.#sourceJson + ',"data":' + dataJson + '}';
  }

  publishRaw(topic: string, payload: string | Uint8Array, options: { qos: QoS; retain?: boolean }): Promise<void> {
    if (this.#state !== 'open') return Promise.reject(new ClosedError());
    if (topic === '' || topic.includes('+') || topic.includes('#')) {
      return Promise.reject(new InvalidTopicError(topic, 'topic', "must be non-empty and contain no '+' or '#'"));
    }
    const body = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const tooLarge = this.#checkSize(topic, body);
    if (tooLarge) return Promise.reject(tooLarge);
    if (levelEnabled(this.logger, 'debug')) this.logger.debug({ topic, qos: options.qos, bytes: body.length }, 'publish (raw)');
    return this.#send(topic, body, options.qos, options.retain ?? false, this.#publishRetries, undefined, undefined).then(noop);
  }

  #checkSize(topic: string, payload: string | Buffer): PayloadTooLargeError | undefined {
    const max = this.maxPayloadBytes;
    // A UTF-8 string is at most 3 bytes per UTF-16 unit: only measure when that bound could be exceeded.
    if (typeof payload === 'string' ? payload.length * 3 <= max : payload.length <= max) return undefined;
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (size <= max) return undefined;
    this.logger.warn({ topic, size, limit: max }, 'refused oversized outbound message');
    return new PayloadTooLargeError(topic, size, max);
  }

  /** Publishes with retries; resolves with `id` at PUBACK (QoS 1) / PUBCOMP (QoS 2) / write (QoS 0). */
  #send<R>(topic: string, payload: string | Buffer, qos: QoS, retain: boolean, retries: number, id: R, data: unknown): Promise<R> {
    let wrote = NOT_WRITTEN;
    if (qos === 0 && this.#online) {
      wrote = this.#writeQos0(topic, payload, retain);
      if (wrote === WRITTEN) {
        // The common case: handed to the socket, nothing to wait for (no job, no closure, no timer).
        this.counters.published++;
        return Promise.resolve(id);
      }
    }
    const promise = new Promise<R>(captureResolvers);
    const job: SendJob = {
      topic, payload, qos, retain, retries, id, data, attempt: 0, settled: false, deadline: 0, messageId: undefined,
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

  /** One attempt's outcome (write, acknowledgement, or failure). */
  #finish(job: SendJob, err: Error | null | undefined): void {
    if (!err) {
      this.counters.published++;
      job.resolve(job.id);
      return;
    }
    const topic = job.topic;
    if (this.#state === 'closed' || err.message === 'client disconnecting') {
      job.reject(new ClosedError(`publish to ${topic} aborted: client closed`));
      return;
    }
    const attempt = job.attempt;
    const corr = correlationOf(typeof job.id === 'string' ? job.id : undefined, job.data);
    if (attempt <= job.retries && this.#state !== 'closing') {
      this.logger.warn({ topic, attempt, ...corr, err: serializeError(err) }, 'publish failed, retrying');
      setTimeout(() => this.#attempt(job), this.#publishRetryDelayMs).unref();
      return;
    }
    const failed = new PublishFailedError(topic, attempt, err);
    this.logger.error({ topic, attempts: attempt, ...corr, err: serializeError(err) }, 'publish failed');
    job.reject(failed);
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
    if (this.#state === 'closed') {
      // A retry that came due after close(): nothing will flush the offline queue any more.
      job.settled = true;
      this.#finish(job, new Error('client disconnecting'));
      return;
    }
    if (this.#online) {
      this.#wire(job);
      return;
    }
    const p: OfflinePublish = { job, done: false, timer: undefined };
    const ms = this.#publishTimeoutMs;
    if (ms > 0) {
      p.timer = setTimeout(() => {
        if (p.done) return;
        p.done = true;
        const i = this.#offline.indexOf(p);
        if (i >= 0) this.#offline.splice(i, 1);
        job.settled = true;
        this.#finish(job, new Error(`not connected within ${ms} ms`));
      }, ms);
      p.timer.unref();
    }
    this.#offline.push(p);
  }

  /**
   * QoS 0 straight to the socket, without a per-message callback: MQTT.js adds a 'drain' listener for every
   * publish that has one while the socket buffer is full, and removing thousands of them is quadratic. Only
   * when MQTT.js writes at once (connected, not ending, not replaying its store); otherwise NOT_WRITTEN and
   * the caller goes through MQTT.js with a callback (its own queueing applies).
   */
  #writeQos0(topic: string, payload: string | Buffer, retain: boolean): number {
    const m = this.#mqtt;
    if (!m.connected || m.disconnecting === true || m._storeProcessing === true) return NOT_WRITTEN;
    const q = m._storeProcessingQueue;
    if (q !== undefined && q.length > 0) return NOT_WRITTEN;
    m.publish(topic, payload, retain ? QOS0_RETAIN : QOS0);
    const st = m.stream;
    return st !== undefined && st.writableNeedDrain === true && st.once !== undefined ? WRITTEN_NEED_DRAIN : WRITTEN;
  }

  /** Written into a full socket buffer: resolves at the socket's next 'drain', all waiters behind one listener. */
  #waitDrain(job: SendJob): void {
    const st = this.#mqtt.stream!;
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
    this.#releaseDrain(new Error(this.#state === 'open' ? 'connection closed before the write was flushed' : 'client disconnecting'));
  };

  #releaseDrain(err: Error | undefined): void {
    const st = this.#drainStream;
    if (st === undefined) return;
    this.#drainStream = undefined;
    st.removeListener?.('drain', this.#onDrain);
    st.removeListener?.('close', this.#onDrainClose);
    const jobs = this.#drainJobs;
    this.#drainJobs = [];
    for (const job of jobs) {
      job.settled = true;
      this.#finish(job, err);
    }
  }

  /** Hands a publish to MQTT.js; for QoS > 0 with a timeout, withdraws it if no acknowledgement comes. */
  #wire(job: SendJob): void {
    const m = this.#mqtt;
    const { topic, payload, qos, retain } = job;
    if (qos === 0) {
      const w = this.#writeQos0(topic, payload, retain);
      if (w === WRITTEN) {
        job.settled = true;
        this.#finish(job, undefined);
      } else if (w === WRITTEN_NEED_DRAIN) {
        this.#waitDrain(job);
      } else {
        m.publish(topic, payload, retain ? QOS0_RETAIN : QOS0, this.#callbackFor(job));
      }
      return;
    }
    const opts = qos === 1 ? (retain ? QOS1_RETAIN : QOS1) : retain ? QOS2_RETAIN : QOS2;
    const ms = this.#publishTimeoutMs;
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
    // One timer for all unacknowledged publishes: deadlines are in insertion order (same timeout for all).
    job.deadline = Date.now() + ms;
    this.#pending.add(job);
    if (this.#ackTimer === undefined) this.#ackTimer = unrefTimer(setTimeout(this.#onAckTimer, ms));
  }

  readonly #onAckTimer = (): void => {
    this.#ackTimer = undefined;
    const now = Date.now();
    const m = this.#mqtt;
    for (const job of this.#pending) {
      if (job.deadline > now) {
        this.#ackTimer = unrefTimer(setTimeout(this.#onAckTimer, job.deadline - now));
        return;
      }
      this.#pending.delete(job);
      job.settled = true;
      const ms = this.#publishTimeoutMs;
      // Withdraw the message so a retry cannot duplicate it; when its id is unknown MQTT.js still owns it,
      // so report failure without a retry.
      if (job.messageId !== undefined && m.removeOutgoingMessage) {
        m.removeOutgoingMessage(job.messageId);
        this.#finish(job, new Error(`no acknowledgement within ${ms} ms`));
      } else {
        this.#finish(job, new Error(`no acknowledgement within ${ms} ms (message left queued in the MQTT client)`));
      }
    }
  };

  // ----- subscribe ------------------------------------------------------------------------------------

  async subscribe<T, P extends string>(
    channel: ChannelDescriptor<T, P>,
    handler: MessageHandler<T, P>,
    options?: SubscribeOptions<P>,
  ): Promise<Subscription> {
    if (this.#state !== 'open') throw new ClosedError();
    const filter = buildTopic(channel.address, options?.params, 'subscribe');
    const c = this.#config;
    const wantDedupe = (options?.dedupe ?? c.dedupeTtl > 0) && channel.framing.kind === 'envelope';
    const deduper = wantDedupe
      ? new Deduper({
          ttlMs: (c.dedupeTtl > 0 ? c.dedupeTtl : DEFAULT_DEDUPE_TTL_WHEN_FORCED) * 1000,
          maxEntries: c.dedupeMaxEntries > 0 ? c.dedupeMaxEntries : DEFAULT_DEDUPE_MAX_ENTRIES,
        })
      : null;
    const sub = new ChannelSubscription<T, P>(filter, this, {
      channel,
      handler,
      concurrency: options?.concurrency ?? 1,
      deduper,
      onInvalid: options?.onInvalid,
    });
    await this.#attach(filter, sub as unknown as ChannelSubscription<unknown, string>, channel.qos);
    this.logger.debug({ filter, channel: channel.id, qos: channel.qos }, 'subscribed');
    return this.#handle(filter, sub as unknown as ChannelSubscription<unknown, string>);
  }

  async subscribeRaw(filter: string, handler: RawHandler, options: { qos: QoS; concurrency?: number }): Promise<Subscription> {
    if (this.#state !== 'open') throw new ClosedError();
    compileFilter(filter);
    const sub = new RawSubscription(filter, this, handler, options.concurrency ?? 1);
    await this.#attach(filter, sub, options.qos);
    return this.#handle(filter, sub);
  }

  async #attach(filter: string, sink: ChannelSubscription<unknown, string> | RawSubscription, qos: QoS): Promise<void> {
    this.#sinks.add(sink);
    this.#router.add(filter, sink);
    this.#offerUnrouted(filter);
    let entry = this.#filters.get(filter);
    if (entry === undefined || qos > entry.qos) {
      const newQos = Math.max(qos, entry?.qos ?? 0) as QoS;
      if (this.#online) {
        const ready = this.#mqtt.subscribeAsync(filter, { qos: newQos }).then((granted) => {
          if (granted.some((g) => g.qos === 128)) throw new Error(`broker refused the subscription to ${filter}`);
        });
        entry = { qos: newQos, ready };
      } else {
        // Offline: the resubscribe after the reconnect sends it, before any queued publish.
        let deferred!: NonNullable<FilterEntry['deferred']>;
        const ready = new Promise<void>((resolve, reject) => (deferred = { resolve, reject }));
        entry = { qos: newQos, ready, deferred };
      }
      this.#filters.set(filter, entry);
    }
    try {
      await entry.ready;
    } catch (err) {
      this.#detach(filter, sink);
      if (this.#filters.get(filter) === entry) this.#filters.delete(filter);
      throw err;
    }
  }

  #detach(filter: string, sink: ChannelSubscription<unknown, string> | RawSubscription): boolean {
    sink.stop();
    this.#sinks.delete(sink);
    return this.#router.remove(filter, sink);
  }

  #handle(filter: string, sink: ChannelSubscription<unknown, string> | RawSubscription): Subscription {
    let done: Promise<void> | undefined;
    return {
      filter,
      unsubscribe: () => {
        done ??= (async () => {
          const last = this.#detach(filter, sink);
          if (!last) return;
          this.#filters.delete(filter);
          if (this.#state !== 'open') return;
          try {
            await this.#mqtt.unsubscribeAsync(filter);
          } catch (err) {
            this.logger.warn({ filter, err: serializeError(err) }, 'unsubscribe failed');
          }
        })();
        return done;
      },
    };
  }

  // ----- receive and flow control ---------------------------------------------------------------------

  readonly #onMessage = (topic: string, payload: Buffer, packet: IPublishPacket): void => {
    if (this.#state !== 'open') return;
    this.counters.received++;
    if (this.#router.dispatch(topic, payload, packet) > 0 || packet.qos === 0) return;
    if (this.#mqtt.options.clean === false && this.#sessionHoldMs > 0) this.#holdUnrouted(topic, payload, packet);
  };

  readonly #flow = (packet: IPublishPacket, callback: (err?: Error) => void): void => {
    // MQTT.js emits 'message' just before it calls handleMessage for the same packet.
    const u = this.#unrouted;
    if (u !== undefined && u.packet === packet) {
      u.ack = callback;
      return;
    }
    this.#ackOrHold(callback);
  };

  /** Lets MQTT.js go on (acknowledge, read the next packet) unless intake is paused or the client is closing:
   *  while closing every callback is held, so unacknowledged QoS 1 messages come back in a persistent session. */
  #ackOrHold(callback: (err?: Error) => void): void {
    if (this.#pauses === 0 && this.#state === 'open') callback();
    else this.#held.push(callback);
  }

  /** Holds one unmatched session message: MQTT.js reads no further packet until it is acknowledged, so
   *  order is kept and nothing else is lost while the caller's subscribe() is on its way. */
  #holdUnrouted(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const timer = setTimeout(() => {
      this.counters.dropped++;
      this.logger.warn({ topic, holdMs: this.#sessionHoldMs }, 'no subscription took a queued session message: acknowledged and dropped');
      this.#releaseUnrouted();
    }, this.#sessionHoldMs);
    timer.unref();
    this.#unrouted = { topic, payload, packet, timer };
  }

  /** A new subscription may take the held message: route it again, then let MQTT.js go on. */
  #offerUnrouted(filter: string): void {
    const u = this.#unrouted;
    if (u === undefined || !topicMatches(filter, u.topic)) return;
    this.#router.dispatch(u.topic, u.payload, u.packet);
    this.#releaseUnrouted();
  }

  /** The connection that held it is gone: the broker redelivers it to the resumed session. */
  #forgetUnrouted(): void {
    if (this.#unrouted !== undefined) clearTimeout(this.#unrouted.timer);
    this.#unrouted = undefined;
  }

  #releaseUnrouted(): void {
    const u = this.#unrouted;
    if (u === undefined) return;
    this.#unrouted = undefined;
    clearTimeout(u.timer);
    if (u.ack !== undefined) this.#ackOrHold(u.ack);
  }

  pauseIntake(): void {
    if (this.#pauses++ === 0) this.logger.warn({ highWaterMark: this.highWaterMark }, 'handler queue full: pausing socket reads');
  }

  resumeIntake(): void {
    if (this.#pauses === 0) return;
    if (--this.#pauses === 0) {
      this.logger.info('handler queue drained: resuming socket reads');
      if (this.#state === 'open') this.#releaseHeld();
    }
  }

  #releaseHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const cb of held) cb();
  }
}

function noop(): void {}

/** Resolves true if `p` settled in time, false on timeout; never rejects. */
function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    t.unref();
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(true);
      },
    );
  });
}

