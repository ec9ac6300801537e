/** MQTT_URL parsing: mqtt, mqtts, ws, wss; credentials kept in a Secret; every printable form redacted. */
import { inspect } from 'node:util';
import { ConfigError } from './errors.js';
import { Secret } from './secret.js';

export type MqttProtocol = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface MqttUrl {
  readonly protocol: MqttProtocol;
  /** Host name or IP, IPv6 without brackets (e.g. '::1'). */
  readonly host: string;
  readonly port: number;
  /** WebSocket path (ws/wss only), default '/mqtt'. */
  readonly path?: string;
  readonly username?: string;
  readonly password?: Secret;
  /** Redacted: the password shows as '***'. */
  toString(): string;
}

const DEFAULT_PORTS: Record<MqttProtocol, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };
export const DEFAULT_WS_PATH = '/mqtt';

class ParsedMqttUrl implements MqttUrl {
  readonly path?: string;
  readonly username?: string;
  readonly password?: Secret;
  constructor(
    readonly protocol: MqttProtocol,
    readonly host: string,
    readonly port: number,
    path: string | undefined,
    username: string | undefined,
    password: Secret | undefined,
  ) {
    if (path !== undefined) this.path = path;
    if (username !== undefined) this.username = username;
    if (password !== undefined) this.password = password;
    Object.freeze(this);
  }
  toString(): string {
    return formatUrl(this);
  }
  toJSON(): string {
    return formatUrl(this);
  }
  [inspect.custom](): string {
    return `MqttUrl(${formatUrl(this)})`;
  }
}

function formatUrl(u: MqttUrl): string {
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  let auth = '';
  if (u.username !== undefined || u.password !== undefined) {
    auth = `${encodeURIComponent(u.username ?? '')}${u.password !== undefined ? ':***' : ''}@`;
  }
  return `${u.protocol}://${auth}${host}:${u.port}${u.path ?? ''}`;
}

/**
 * Parses an MQTT broker URL. Throws ConfigError naming `variable` (default 'MQTT_URL'); the message never
 * repeats the input, which may hold a password.
 */
export function parseMqttUrl(url: string, variable = 'MQTT_URL'): MqttUrl {
  if (typeof url !== 'string' || url.trim() === '') throw new ConfigError(variable, 'required: a broker URL such as mqtt://host:1883');
  const text = url.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new ConfigError(variable, 'must be a URL of the form <scheme>://host[:port]');
  if (!(scheme in DEFAULT_PORTS)) {
    throw new ConfigError(variable, 'scheme must be one of mqtt, mqtts, ws, wss', `got ${scheme}`);
  }
  const protocol = scheme as MqttProtocol;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConfigError(variable, 'must be a valid URL', redactUrl(text));
  }
  let host = parsed.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '') throw new ConfigError(variable, 'must name a host', redactUrl(text));
  let port = DEFAULT_PORTS[protocol];
  if (parsed.port !== '') {
    port = Number(parsed.port);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(variable, 'port must be an integer 1..65535', redactUrl(text));
  }
  let path: string | undefined;
  if (protocol === 'ws' || protocol === 'wss') {
    path = parsed.pathname === '' || parsed.pathname === '/' ? DEFAULT_WS_PATH : parsed.pathname;
  }
  let username: string | undefined;
  let password: Secret | undefined;
  try {
    if (parsed.username !== '' || parsed.password !== '' || text.includes('@')) {
      if (parsed.username !== '') username = decodeURIComponent(parsed.username);
      if (parsed.password !== '') password = new Secret(decodeURIComponent(parsed.password));
    }
  } catch {
    throw new ConfigError(variable, 'user name and password must be valid percent-encoded text', redactUrl(text));
  }
  return new ParsedMqttUrl(protocol, host, port, path, username, password);
}

/** Hides the password of any URL-like string: 'mqtt://user:***@host:1883'. Never throws. */
export function redactUrl(url: string): string {
  return String(url).replace(/(\/\/[^/@\s:]*):[^@\s/]*@/g, '$1:***@');
}

/** Redacts passwords of URLs found anywhere inside a text (error messages from lower layers). */
export function redactText(text: string): string {
  return text.includes('@') ? redactUrl(text) : text;
}
