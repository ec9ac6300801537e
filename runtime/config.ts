/**
 * Client configuration: the Python client's environment variables and rules, read once, failing fast with a
 * ConfigError that names the variable and the rule.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from './errors.js';
import { parseMqttUrl, type MqttUrl } from './url.js';

export interface ClientConfig {
  readonly url: MqttUrl;
  readonly clientId: string;
  /** Envelope `source`; defaults to clientId. */
  readonly sourceName: string;
  /** Seconds, 1..3600. */
  readonly keepalive: number;
  readonly enableHealth: boolean;
  readonly enableHeartbeat: boolean;
  /** Seconds, > 0. */
  readonly heartbeatInterval: number;
  /** Seconds, 0 = dedupe off. */
  readonly dedupeTtl: number;
  readonly dedupeMaxEntries: number;
  /** Seconds, > 0. */
  readonly reconnectMinDelay: number;
  /** Seconds, >= reconnectMinDelay. */
  readonly reconnectMaxDelay: number;
  /** MQTT protocol: 4 = 3.1.1 (the default; what the Python services speak), 5 = MQTT 5 (shared subscriptions with
   *  subscription-aware brokers, session expiry, receive maximum, reason codes). */
  readonly protocolVersion: MqttProtocolVersion;
}

export type MqttProtocolVersion = 4 | 5;

export const DEFAULT_KEEPALIVE = 60;
export const DEFAULT_HEARTBEAT_INTERVAL = 5;
export const DEFAULT_DEDUPE_TTL = 0;
/** Used when a dedupe TTL is set but no max entries: the router's value in the Python code base. */
export const DEFAULT_DEDUPE_MAX_ENTRIES = 2048;
export const DEFAULT_RECONNECT_MIN_DELAY = 0.5;
export const DEFAULT_RECONNECT_MAX_DELAY = 5;
export const DEFAULT_PROTOCOL_VERSION: MqttProtocolVersion = 4;

export const ENV = {
  url: 'MQTT_URL',
  clientId: 'MQTT_CLIENT_ID',
  sourceName: 'MQTT_SOURCE_NAME',
  keepalive: 'MQTT_KEEPALIVE',
  enableHealth: 'MQTT_ENABLE_HEALTH',
  enableHeartbeat: 'MQTT_ENABLE_HEARTBEAT',
  heartbeatInterval: 'MQTT_HEARTBEAT_INTERVAL',
  dedupeTtl: 'MQTT_DEDUPE_TTL',
  dedupeMaxEntries: 'MQTT_DEDUPE_MAX_ENTRIES',
  reconnectMinDelay: 'MQTT_RECONNECT_MIN_DELAY',
  reconnectMaxDelay: 'MQTT_RECONNECT_MAX_DELAY',
  protocolVersion: 'MQTT_PROTOCOL_VERSION',
} as const;

const TRUE = new Set(['1', 'true', 'yes', 'on', 'y', 't']);
const FALSE = new Set(['0', 'false', 'no', 'off', 'n', 'f']);

/** A client id used when none is given: 'tars-<hostname>-<8 hex>'. Not stable across restarts. */
export function generateClientId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'host';
  return `tars-${host}-${randomBytes(4).toString('hex')}`;
}

/**
 * Reads the MQTT_* variables once. MQTT_URL is required. An empty variable counts as unset (compose files
 * often write `VAR=`). When MQTT_DEDUPE_TTL > 0 and MQTT_DEDUPE_MAX_ENTRIES is unset, max entries is 2048.
 */
export function configFromEnv(env: Record<string, string | undefined> = process.env): ClientConfig {
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const rawUrl = get(ENV.url);
  if (rawUrl === undefined) throw new ConfigError(ENV.url, 'required: a broker URL such as mqtt://host:1883');
  const url = parseMqttUrl(rawUrl, ENV.url);
  const dedupeTtl = readNumber(ENV.dedupeTtl, get(ENV.dedupeTtl), DEFAULT_DEDUPE_TTL);
  const rawMax = get(ENV.dedupeMaxEntries);
  const dedupeMaxEntries = readInteger(ENV.dedupeMaxEntries, rawMax, dedupeTtl > 0 ? DEFAULT_DEDUPE_MAX_ENTRIES : 0);
  const clientId = get(ENV.clientId) ?? generateClientId();
  return validateConfig(
    {
      url,
      clientId,
      sourceName: get(ENV.sourceName) ?? clientId,
      keepalive: readInteger(ENV.keepalive, get(ENV.keepalive), DEFAULT_KEEPALIVE),
      enableHealth: readBoolean(ENV.enableHealth, get(ENV.enableHealth), false),
      enableHeartbeat: readBoolean(ENV.enableHeartbeat, get(ENV.enableHeartbeat), false),
      heartbeatInterval: readNumber(ENV.heartbeatInterval, get(ENV.heartbeatInterval), DEFAULT_HEARTBEAT_INTERVAL),
      dedupeTtl,
      dedupeMaxEntries,
      reconnectMinDelay: readNumber(ENV.reconnectMinDelay, get(ENV.reconnectMinDelay), DEFAULT_RECONNECT_MIN_DELAY),
      reconnectMaxDelay: readNumber(ENV.reconnectMaxDelay, get(ENV.reconnectMaxDelay), DEFAULT_RECONNECT_MAX_DELAY),
      protocolVersion: readProtocolVersion(get(ENV.protocolVersion)),
    },
    ENV,
  );
}

/** Defaults for everything but the URL (for connect({ url }) without a config). */
export function defaultConfig(url: MqttUrl, clientId: string = generateClientId()): ClientConfig {
  return {
    url,
    clientId,
    sourceName: clientId,
    keepalive: DEFAULT_KEEPALIVE,
    enableHealth: false,
    enableHeartbeat: false,
    heartbeatInterval: DEFAULT_HEARTBEAT_INTERVAL,
    dedupeTtl: DEFAULT_DEDUPE_TTL,
    dedupeMaxEntries: 0,
    reconnectMinDelay: DEFAULT_RECONNECT_MIN_DELAY,
    reconnectMaxDelay: DEFAULT_RECONNECT_MAX_DELAY,
    protocolVersion: DEFAULT_PROTOCOL_VERSION,
  };
}

type Names = { readonly [K in keyof ClientConfig]: string };
const OPTION_NAMES: Names = {
  url: 'url', clientId: 'clientId', sourceName: 'sourceName', keepalive: 'keepalive', enableHealth: 'enableHealth',
  enableHeartbeat: 'enableHeartbeat', heartbeatInterval: 'heartbeatInterval', dedupeTtl: 'dedupeTtl',
  dedupeMaxEntries: 'dedupeMaxEntries', reconnectMinDelay: 'reconnectMinDelay', reconnectMaxDelay: 'reconnectMaxDelay',
  protocolVersion: 'protocolVersion',
};

/** Checks the cross-field and range rules; `names` says how to call each field in the error (env or option). */
export function validateConfig(c: ClientConfig, names: Names = OPTION_NAMES): ClientConfig {
  checkTopicLevel(names.clientId, c.clientId);
  if (typeof c.sourceName !== 'string' || c.sourceName === '') throw new ConfigError(names.sourceName, 'must be a non-empty string');
  if (!Number.isInteger(c.keepalive) || c.keepalive < 1 || c.keepalive > 3600) {
    throw new ConfigError(names.keepalive, 'must be an integer 1..3600 (seconds)', String(c.keepalive));
  }
  positive(names.heartbeatInterval, c.heartbeatInterval);
  if (!Number.isFinite(c.dedupeTtl) || c.dedupeTtl < 0) throw new ConfigError(names.dedupeTtl, 'must be a number >= 0 (seconds, 0 = off)', String(c.dedupeTtl));
  if (!Number.isInteger(c.dedupeMaxEntries) || c.dedupeMaxEntries < 0) {
    throw new ConfigError(names.dedupeMaxEntries, 'must be an integer >= 0', String(c.dedupeMaxEntries));
  }
  if (c.dedupeTtl > 0 && c.dedupeMaxEntries === 0) {
    throw new ConfigError(names.dedupeMaxEntries, `must be > 0 when ${names.dedupeTtl} > 0`);
  }
  positive(names.reconnectMinDelay, c.reconnectMinDelay);
  positive(names.reconnectMaxDelay, c.reconnectMaxDelay);
  if (c.reconnectMaxDelay < c.reconnectMinDelay) {
    throw new ConfigError(names.reconnectMaxDelay, `must be >= ${names.reconnectMinDelay}`, `${c.reconnectMaxDelay} < ${c.reconnectMinDelay}`);
  }
  if (c.protocolVersion !== 4 && c.protocolVersion !== 5) {
    throw new ConfigError(names.protocolVersion, 'must be 4 (MQTT 3.1.1) or 5 (MQTT 5)', String(c.protocolVersion));
  }
  for (const k of ['enableHealth', 'enableHeartbeat'] as const) {
    if (typeof c[k] !== 'boolean') throw new ConfigError(names[k], 'must be a boolean');
  }
  return Object.freeze({ ...c });
}

function checkTopicLevel(name: string, value: string): void {
  if (typeof value !== 'string' || value === '') throw new ConfigError(name, 'must be a non-empty string');
  // The client id may become one topic level (a lifecycle channel's address parameter).
  if (/[/+#\u0000]/.test(value)) throw new ConfigError(name, "must not contain '/', '+', '#' or NUL", value);
}

function positive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(name, 'must be a number > 0 (seconds)', String(v));
}

function readNumber(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(name, 'must be a number', raw);
  return n;
}

function readInteger(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ConfigError(name, 'must be an integer', raw);
  return n;
}

/** 4 or 5; also the spellings '3.1.1', '311' and '5.0'. */
function readProtocolVersion(raw: string | undefined): MqttProtocolVersion {
  if (raw === undefined) return DEFAULT_PROTOCOL_VERSION;
  if (raw === '4' || raw === '3.1.1' || raw === '311') return 4;
  if (raw === '5' || raw === '5.0') return 5;
  throw new ConfigError(ENV.protocolVersion, "must be 4 or '3.1.1' (MQTT 3.1.1), or 5 (MQTT 5)", raw);
}

function readBoolean(name: string, raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined) return dflt;
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(name, 'must be a boolean: 1/0, true/false, yes/no, on/off', raw);
}
