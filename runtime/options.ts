/**
 * connect() options: the config (explicit option > `config` > environment), the client's own limits with their
 * defaults, each checked once with a ConfigError naming the option and the rule.
 */
import { configFromEnv, defaultConfig, generateClientId, validateConfig, DEFAULT_DEDUPE_MAX_ENTRIES, type ClientConfig } from './config.js';
import type { AckPolicy, OverflowPolicy } from './dispatch-queue.js';
import { ConfigError } from './errors.js';
import { DEFAULT_MAX_DEPTH } from './inbound.js';
import type { ConnectOptions, LifecycleChannel } from './types.js';
import { parseMqttUrl } from './url.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
export const DEFAULT_PUBLISH_RETRIES = 2;
export const DEFAULT_PUBLISH_RETRY_DELAY_MS = 200;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000;
export const DEFAULT_DRAIN_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_PENDING = 1_000;
export const DEFAULT_MAX_PENDING_BYTES = 8 * 1024 * 1024;
/** Messages waiting over a subscription's bound ('wait') may hold this many times maxPendingBytes. */
export const WAITING_BYTES_FACTOR = 4;
export const DEFAULT_OVERFLOW: OverflowPolicy = 'wait';
export const DEFAULT_ACK: AckPolicy = 'received';
export const DEFAULT_OFFLINE_MAX_MESSAGES = 1_000;
export const DEFAULT_OFFLINE_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_SESSION_HOLD_MS = 5_000;
/** MQTT 5 persistent sessions: how long the broker keeps a session whose client is gone (one day). */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 86_400;
/** Used by subscribe({ dedupe: true }) when the config has dedupe off. */
export const DEFAULT_DEDUPE_TTL_WHEN_FORCED = 30;
/** The longest delay a Node timer takes (a longer one fires at once): the upper bound of every ms option. */
export const MAX_TIMER_MS = 2_147_483_647;

const CONFIG_KEYS = [
  'clientId', 'sourceName', 'keepalive', 'enableHealth', 'enableHeartbeat', 'heartbeatInterval', 'dedupeTtl',
  'dedupeMaxEntries', 'reconnectMinDelay', 'reconnectMaxDelay', 'protocolVersion',
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

/** The client's limits and policies, resolved and checked. */
export interface ClientLimits {
  readonly connectTimeoutMs: number;
  readonly maxPayloadBytes: number;
  readonly maxDepth: number;
  readonly publishRetries: number;
  readonly publishRetryDelayMs: number;
  readonly publishTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly maxPending: number;
  readonly maxPendingBytes: number;
  readonly overflow: OverflowPolicy;
  readonly sessionHoldMs: number;
  readonly sessionExpirySeconds: number | undefined;
  readonly receiveMaximum: number | undefined;
  readonly offline: { readonly maxMessages: number; readonly maxBytes: number; readonly qos0: boolean };
  readonly clean: boolean;
  readonly health: LifecycleChannel | undefined;
  readonly heartbeat: LifecycleChannel | undefined;
}

export function resolveLimits(o: ConnectOptions, config: ClientConfig): ClientLimits {
  const clean = o.clean ?? true;
  const health = o.health ?? undefined;
  const heartbeat = o.heartbeat ?? undefined;
  if (config.enableHealth && health === undefined) {
    throw new ConfigError('enableHealth', 'needs a health channel: connect({ health }) (tars-contracts passes the contract\'s)');
  }
  if (config.enableHeartbeat && heartbeat === undefined) {
    throw new ConfigError('enableHeartbeat', 'needs a heartbeat channel: connect({ heartbeat }) (tars-contracts passes the contract\'s)');
  }
  const v5 = config.protocolVersion === 5;
  if (!v5 && o.receiveMaximum !== undefined) throw new ConfigError('receiveMaximum', 'needs protocolVersion 5');
  const expiry = number('sessionExpirySeconds', o.sessionExpirySeconds, clean ? 0 : DEFAULT_SESSION_EXPIRY_SECONDS, { integer: true, max: 0xffff_ffff });
  return {
    connectTimeoutMs: ms('connectTimeoutMs', o.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS),
    maxPayloadBytes: number('maxPayloadBytes', o.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, { integer: true }),
    maxDepth: number('maxDepth', o.maxDepth, DEFAULT_MAX_DEPTH, { integer: true, min: 1 }),
    publishRetries: number('publishRetries', o.publishRetries, DEFAULT_PUBLISH_RETRIES, { integer: true }),
    publishRetryDelayMs: ms('publishRetryDelayMs', o.publishRetryDelayMs, DEFAULT_PUBLISH_RETRY_DELAY_MS),
    publishTimeoutMs: ms('publishTimeoutMs', o.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS),
    drainTimeoutMs: ms('drainTimeoutMs', o.drainTimeoutMs, DEFAULT_DRAIN_TIMEOUT_MS),
    maxPending: number('maxPending', o.maxPending, DEFAULT_MAX_PENDING, { integer: true, min: 1 }),
    maxPendingBytes: number('maxPendingBytes', o.maxPendingBytes, DEFAULT_MAX_PENDING_BYTES, { integer: true, min: 1 }),
    overflow: overflowPolicy('overflow', o.overflow ?? DEFAULT_OVERFLOW),
    sessionHoldMs: ms('sessionHoldMs', o.sessionHoldMs, DEFAULT_SESSION_HOLD_MS),
    sessionExpirySeconds: v5 ? expiry : undefined,
    receiveMaximum: o.receiveMaximum === undefined ? undefined : number('receiveMaximum', o.receiveMaximum, 0, { integer: true, min: 1, max: 65_535 }),
    offline: {
      maxMessages: number('offlineQueue.maxMessages', o.offlineQueue?.maxMessages, DEFAULT_OFFLINE_MAX_MESSAGES, { integer: true }),
      maxBytes: number('offlineQueue.maxBytes', o.offlineQueue?.maxBytes, DEFAULT_OFFLINE_MAX_BYTES, { integer: true }),
      qos0: o.offlineQueue?.qos0 ?? false,
    },
    clean,
    health,
    heartbeat,
  };
}

export function overflowPolicy(name: string, v: string): OverflowPolicy {
  if (v === 'wait' || v === 'drop-oldest' || v === 'drop-newest') return v;
  throw new ConfigError(name, "must be 'wait', 'drop-oldest' or 'drop-newest'", String(v));
}

export function ackPolicy(name: string, v: string): AckPolicy {
  if (v === 'received' || v === 'handled') return v;
  throw new ConfigError(name, "must be 'received' or 'handled'", String(v));
}

/** A duration in ms: 0..MAX_TIMER_MS. */
export function ms(name: string, v: number | undefined, dflt: number): number {
  return number(name, v, dflt, { max: MAX_TIMER_MS });
}

/** A number option: finite, >= min (default 0), <= max, an integer when asked. */
export function number(name: string, v: number | undefined, dflt: number, o: { integer?: boolean; min?: number; max?: number } = {}): number {
  if (v === undefined) return dflt;
  const min = o.min ?? 0;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (o.integer === true && !Number.isInteger(v))) {
    const what = o.integer === true ? 'an integer' : 'a number';
    throw new ConfigError(name, `must be ${what} ${min}..${max}`, String(v));
  }
  return v;
}
