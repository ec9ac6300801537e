/**
 * Loads the SDK runtime (runtime/index.ts) if it exists, with the subset of its API the benches use
 * (docs/runtime-api.md). Typed locally so the benches compile before the runtime lands.
 */
import type { ChannelDescriptor } from '../../runtime/descriptor.js';
import mqtt from 'mqtt';
import { importOptional } from './channels.js';

export interface SdkSubscription { readonly filter: string; unsubscribe(): Promise<void> }
export interface SdkBusClient {
  readonly clientId: string;
  readonly connected: boolean;
  publish(channel: ChannelDescriptor<any, any>, data: unknown, options?: Record<string, unknown>): Promise<string | undefined>;
  subscribe(
    channel: ChannelDescriptor<any, any>,
    handler: (data: any, envelope: any, meta: any) => void | Promise<void>,
    options?: Record<string, unknown>,
  ): Promise<SdkSubscription>;
  publishRaw(topic: string, payload: string | Uint8Array, options: { qos: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  on(event: 'status', listener: (status: any) => void): () => void;
  stats(): Record<string, number>;
  close(options?: { timeoutMs?: number }): Promise<void>;
}
export interface SdkModule {
  connect(options: Record<string, unknown>): Promise<SdkBusClient>;
  [k: string]: unknown;
}

let cached: SdkModule | null | undefined;
export async function loadSdk(): Promise<SdkModule | null> {
  if (cached !== undefined) return cached;
  try {
    const m = await importOptional<SdkModule>('runtime/index.js');
    cached = m && typeof m.connect === 'function' ? m : null;
  } catch (e) {
    process.stderr.write(`bench: runtime/index.ts failed to load: ${(e as Error).message}\n`);
    cached = null;
  }
  return cached;
}

const noop = () => {};
/** A pino-compatible logger that drops everything (the bench prints a table on stdout). It must say
 *  isLevelEnabled() = false, or the runtime builds its debug log objects for every message. */
const fallbackSilentLogger: Record<string, unknown> = {
  level: 'silent',
  isLevelEnabled: () => false,
  trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop,
  child() { return fallbackSilentLogger; },
};

/** Options every bench client uses: no health/heartbeat traffic, the runtime's silent logger (same
 *  level checks as the default logger at 'info', minus the output); everything else default. */
export function benchConnectOptions(url: string, clientId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const logger = (cached && (cached.silentLogger as Record<string, unknown> | undefined)) ?? fallbackSilentLogger;
  const o: Record<string, unknown> = { url, clientId, enableHealth: false, enableHeartbeat: false, logger, connectTimeoutMs: 5000 };
  // Old experiment switch (TCP_NODELAY via mqttFactory); the runtime now sets TCP_NODELAY itself on connect.
  if (process.env.BENCH_SDK_NODELAY === '1') o.mqttFactory = noDelayFactory;
  return { ...o, ...extra };
}

function noDelayFactory(options: Record<string, unknown>): unknown {
  const c = mqtt.connect(options);
  const apply = () => (c.stream as { setNoDelay?: (b: boolean) => void } | undefined)?.setNoDelay?.(true);
  c.on('connect', apply);
  c.on('packetsend', (p: { cmd: string }) => { if (p.cmd === 'connect') apply(); });
  return c;
}
