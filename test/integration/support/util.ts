/**
 * Helpers for the runtime integration tests: raw MQTT.js observers, bounded waits, a capturing logger.
 */
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';

/** Polls `predicate` until it is truthy; throws with `what` after `timeoutMs`. Never asserts a duration. */
export async function waitFor<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 10_000, stepMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Races `p` against a timeout (so a hung promise fails the test with a message instead of the test timeout). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

export interface Received {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  json(): unknown;
}

/** A raw MQTT.js client that records every message it receives (with the packet's QoS and retain flag). */
export interface RawObserver {
  client: MqttClient;
  messages: Received[];
  on(topic: string): Received[];
  subscribe(filter: string, qos: 0 | 1 | 2): Promise<void>;
  publish(topic: string, payload: string | Buffer, opts?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  end(): Promise<void>;
}

export async function rawClient(url: string, opts: IClientOptions = {}): Promise<RawObserver> {
  const messages: Received[] = [];
  const client = mqtt.connect(url, { reconnectPeriod: 100, connectTimeout: 5_000, ...opts, manualConnect: true });
  client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
    messages.push({
      topic,
      payload,
      qos: packet.qos,
      retain: packet.retain,
      json: () => JSON.parse(payload.toString('utf8')),
    });
  });
  client.on('error', () => {
    /* surfaced through connect() or later waits */
  });
  await within(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.connect();
    }),
    10_000,
    `raw MQTT.js connect to ${url}`,
  );
  return {
    client,
    messages,
    on: (topic) => messages.filter((m) => m.topic === topic),
    async subscribe(filter, qos) {
      const granted = await client.subscribeAsync(filter, { qos });
      const g = granted[0];
      if (!g || g.qos !== qos) throw new Error(`subscribe ${filter}: granted ${JSON.stringify(granted)}`);
    },
    async publish(topic, payload, o = {}) {
      await client.publishAsync(topic, payload, { qos: o.qos ?? 1, retain: o.retain ?? false });
    },
    async end() {
      await client.endAsync(true).catch(() => {});
    },
  };
}

/** A pino-compatible logger that keeps every line (serialized like pino would: JSON of the arguments). */
export interface CapturedLogger {
  level: string;
  lines: string[];
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  fatal(...args: unknown[]): void;
  child(bindings: Record<string, unknown>): CapturedLogger;
  isLevelEnabled(level: string): boolean;
}

function serialize(arg: unknown): string {
  const seen = new WeakSet<object>();
  const replacer = (_k: string, v: unknown): unknown => {
    if (v instanceof Error) {
      return { type: v.name, message: v.message, stack: v.stack, code: (v as { code?: unknown }).code, cause: v.cause };
    }
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
    }
    return v;
  };
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg, replacer) ?? String(arg);
  } catch {
    return String(arg);
  }
}

export function captureLogger(bindings: Record<string, unknown> = {}, sink: string[] = []): CapturedLogger {
  const write = (level: string) => (...args: unknown[]) => {
    sink.push(`${level} ${serialize(bindings)} ${args.map(serialize).join(' ')}`);
  };
  return {
    level: 'trace',
    lines: sink,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    fatal: write('fatal'),
    child: (b) => captureLogger({ ...bindings, ...b }, sink),
    isLevelEnabled: () => true,
  };
}

/** Reads `ok` / `event` of a health message: Envelope `data`, or the top level for a bare one. */
export function healthOf(payload: unknown): { ok: unknown; event: unknown; enveloped: boolean; type: unknown } {
  const o = (payload ?? {}) as Record<string, unknown>;
  if (typeof o.data === 'object' && o.data !== null) {
    const d = o.data as Record<string, unknown>;
    return { ok: d.ok, event: d.event, enveloped: true, type: o.type };
  }
  return { ok: o.ok, event: o.event, enveloped: false, type: undefined };
}
