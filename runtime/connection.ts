/**
 * The MQTT.js connection: CONNECT options, the first connect (with its deadline), reconnects on a jittered
 * backoff, refused credentials, status events, and the DISCONNECT at close.
 *
 * Reconnect: MQTT.js retries at a fixed `reconnectPeriod`; a listener prepended to 'close' (so it runs before
 * MQTT.js schedules the retry) sets that period from the Backoff. A CONNACK refusal for credentials is reported
 * before 'close', so its delay is set in the 'error' listener. MQTT.js keeps its own session state (in-flight
 * QoS 1/2 retransmission); resubscribing and the offline queue are the client's (hooks.up / hooks.down).
 */
import mqtt from 'mqtt';
import { Backoff } from './backoff.js';
import type { ClientConfig } from './config.js';
import { ConnectTimeoutError, NotAuthorizedError, messageOf } from './errors.js';
import { levelEnabled, serializeError, type Logger } from './logger.js';
import type { ClientLimits } from './options.js';
import type { MqttConnectOptions, MqttFactory, MqttTransport, MqttWill } from './transport.js';
import type { CloseReason, ConnectOptions, StatusEvent } from './types.js';
import { redactText } from './url.js';

export type State = 'connecting' | 'open' | 'closing' | 'closed';

/** Bounds the DISCONNECT so close() always finishes. */
const DISCONNECT_TIMEOUT_MS = 3_000;
const AUTH_CODES = new Set([4, 5, 134, 135]);

function authRefusal(err: Error): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && AUTH_CODES.has(code) && err.message.startsWith('Connection refused') ? code : undefined;
}

export interface ConnectionHooks {
  /** CONNACK received (the first, or after a reconnect). */
  up(reconnect: boolean, sessionPresent: boolean): void;
  /** The socket closed (before MQTT.js schedules its retry). */
  down(): void;
  /** The Last Will for the next CONNECT, if any. */
  will(): MqttWill | undefined;
}

/** Status listeners, each isolated: a throwing listener is logged and the others still run. */
export class StatusHub {
  readonly #listeners = new Set<(s: StatusEvent) => void>();
  constructor(private readonly logger: Logger) {}

  on(listener: (s: StatusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  emit(status: StatusEvent): void {
    for (const l of this.#listeners) {
      try {
        l(status);
      } catch (err) {
        this.logger.error({ status: status.type, err: serializeError(err) }, 'status listener threw');
      }
    }
  }
}

export class Connection {
  readonly mqtt: MqttTransport;
  state: State = 'connecting';
  reconnects = 0;
  readonly urlText: string;
  readonly #logger: Logger;
  readonly #status: StatusHub;
  readonly #hooks: ConnectionHooks;
  readonly #backoff: Backoff;
  readonly #connectTimeoutMs: number;
  #everConnected = false;
  #isUp = false;
  #delayPlanned = false;
  #lastError: Error | undefined;
  #connectTimer: NodeJS.Timeout | undefined;
  #startWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #resolveClosed!: (r: CloseReason) => void;
  readonly closed = new Promise<CloseReason>((r) => (this.#resolveClosed = r));

  constructor(config: ClientConfig, limits: ClientLimits, options: ConnectOptions, logger: Logger, status: StatusHub, hooks: ConnectionHooks) {
    this.urlText = String(config.url);
    this.#logger = logger;
    this.#status = status;
    this.#hooks = hooks;
    this.#connectTimeoutMs = limits.connectTimeoutMs;
    this.#backoff = new Backoff({ minMs: config.reconnectMinDelay * 1000, maxMs: config.reconnectMaxDelay * 1000, strategy: options.jitter ?? 'full' });
    const factory: MqttFactory = options.mqttFactory ?? ((o) => mqtt.connect(o as Parameters<typeof mqtt.connect>[0]) as unknown as MqttTransport);
    this.mqtt = factory(this.#mqttOptions(config, limits, options));
    this.mqtt.prependListener('close', this.#onClose);
    this.mqtt.on('connect', this.#onConnect);
    this.mqtt.on('error', this.#onError);
  }

  #mqttOptions(c: ClientConfig, limits: ClientLimits, options: ConnectOptions): MqttConnectOptions {
    const u = c.url;
    const ws = u.protocol === 'ws' || u.protocol === 'wss';
    const o: MqttConnectOptions = {
      protocol: u.protocol,
      // MQTT.js writes hostname into the WebSocket URL as is, so IPv6 needs its brackets there.
      hostname: ws && u.host.includes(':') ? `[${u.host}]` : u.host,
      port: u.port,
      clientId: c.clientId,
      keepalive: c.keepalive,
      clean: limits.clean,
      protocolVersion: c.protocolVersion,
      reconnectPeriod: this.#backoff.next(),
      connectTimeout: Math.max(1000, Math.min(this.#connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT)),
      resubscribe: false,
      // The client keeps its own bounded offline queue; MQTT.js must not queue QoS 0 behind it.
      queueQoSZero: false,
      reconnectOnConnackError: true,
    };
    this.#backoff.reset();
    if (c.protocolVersion === 5) {
      const properties: NonNullable<MqttConnectOptions['properties']> = {};
      if (limits.sessionExpirySeconds !== undefined && limits.sessionExpirySeconds > 0) properties.sessionExpiryInterval = limits.sessionExpirySeconds;
      if (limits.receiveMaximum !== undefined) properties.receiveMaximum = limits.receiveMaximum;
      if (Object.keys(properties).length > 0) o.properties = properties;
    }
    if (u.path !== undefined) o.path = u.path;
    if (u.username !== undefined) o.username = u.username;
    if (u.password !== undefined) o.password = u.password.reveal();
    const will = this.#hooks.will();
    if (will !== undefined) o.will = will;
    const tls = options.tls;
    if (tls) {
      if (tls.ca !== undefined) o.ca = tls.ca;
      if (tls.cert !== undefined) o.cert = tls.cert;
      if (tls.key !== undefined) o.key = tls.key;
      if (tls.rejectUnauthorized !== undefined) o.rejectUnauthorized = tls.rejectUnauthorized;
    }
    return o;
  }

  /** Resolves at the first CONNACK; rejects with ConnectTimeoutError or NotAuthorizedError. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#startWaiter = { resolve, reject };
      if (this.#connectTimeoutMs > 0) {
        this.#connectTimer = setTimeout(() => {
          this.#failStart(new ConnectTimeoutError(this.urlText, this.#connectTimeoutMs, this.#lastError));
        }, this.#connectTimeoutMs);
      }
    });
  }

  get connected(): boolean {
    return this.state === 'open' && this.mqtt.connected;
  }

  #failStart(err: Error): void {
    const waiter = this.#startWaiter;
    if (!waiter) return;
    this.#startWaiter = undefined;
    clearTimeout(this.#connectTimer);
    this.state = 'closed';
    this.#logger.error({ url: this.urlText, err: serializeError(err) }, 'connect failed');
    this.mqtt.end(true);
    this.finish({ kind: 'error', error: err });
    waiter.reject(err);
  }

  /** The end of the client: status event and closed(). */
  finish(reason: CloseReason): void {
    this.state = 'closed';
    this.#status.emit({ type: 'closed', reason });
    this.#resolveClosed(reason);
  }

  readonly #onConnect = (connack?: { sessionPresent?: boolean }): void => {
    // Without TCP_NODELAY, Nagle holds back-to-back small publishes (QoS 1 windows, stream deltas) for ~40 ms.
    this.mqtt.stream?.setNoDelay?.(true);
    this.#backoff.reset();
    this.#isUp = true;
    this.#lastError = undefined;
    const reconnect = this.#everConnected;
    this.#everConnected = true;
    if (reconnect) this.reconnects++;
    this.#logger.info({ url: this.urlText, reconnect }, reconnect ? 'reconnected' : 'connected');
    this.#status.emit({ type: 'connected', reconnect });
    const waiter = this.#startWaiter;
    if (waiter && this.state === 'connecting') {
      this.#startWaiter = undefined;
      clearTimeout(this.#connectTimer);
      this.state = 'open';
      waiter.resolve();
    }
    this.#hooks.up(reconnect, connack?.sessionPresent === true);
  };

  /** Runs before MQTT.js's own 'close' handler, which schedules the retry with options.reconnectPeriod. */
  readonly #onClose = (): void => {
    this.#hooks.down();
    if (this.state === 'closing' || this.state === 'closed') return;
    if (this.#isUp) {
      this.#isUp = false;
      const reason = this.#lastError ? redactText(messageOf(this.#lastError)) : 'connection closed';
      this.#logger.warn({ url: this.urlText, reason }, 'disconnected');
      this.#status.emit({ type: 'disconnected', reason });
    }
    const opts = this.mqtt.options;
    if (this.#delayPlanned) this.#delayPlanned = false;
    else opts.reconnectPeriod = this.#backoff.next();
    const will = this.#hooks.will();
    if (will !== undefined) opts.will = will;
    const delayMs = opts.reconnectPeriod ?? 0;
    const attempt = this.#backoff.attempt;
    if (levelEnabled(this.#logger, 'debug')) this.#logger.debug({ attempt, delayMs }, 'reconnecting');
    this.#status.emit({ type: 'reconnecting', attempt, delayMs });
  };

  readonly #onError = (err: Error): void => {
    const authCode = authRefusal(err);
    if (authCode !== undefined) {
      const e = new NotAuthorizedError(this.urlText, authCode, err);
      this.#lastError = e;
      if (this.state === 'connecting') {
        // Credentials do not fix themselves: fail connect() at once instead of retrying until the timeout.
        this.#status.emit({ type: 'error', error: e });
        this.#failStart(e);
        return;
      }
      // Later refusals (revoked credentials) keep retrying, but on the backoff: MQTT.js schedules the retry
      // right after this listener returns, before 'close', so the delay is set here.
      this.mqtt.options.reconnectPeriod = this.#backoff.next();
      this.#delayPlanned = true;
      this.#logger.error({ url: this.urlText, err: serializeError(e) }, 'broker refused credentials');
      this.#status.emit({ type: 'error', error: e });
      return;
    }
    this.#lastError = err;
    this.#logger.warn({ url: this.urlText, err: serializeError(err) }, 'mqtt error');
    this.#status.emit({ type: 'error', error: err });
  };

  /**
   * DISCONNECT, bounded: MQTT.js's end() waits for every outstanding acknowledgement first, and a second
   * end(true) is a no-op while the first is pending, so past the bound the socket is closed.
   */
  async end(): Promise<void> {
    const ended = await withTimeout(this.mqtt.endAsync().catch(() => undefined), DISCONNECT_TIMEOUT_MS);
    if (!ended) this.mqtt.stream?.destroy?.();
  }
}

const DEFAULT_CONNECT_TIMEOUT = 30_000;

/** Resolves true if `p` settled in time, false on timeout; never rejects. */
export function withTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    t.unref();
    const done = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    p.then(done, done);
  });
}
