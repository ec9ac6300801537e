/**
 * Shared plumbing for the MQTT benches: publisher connections in the main thread, subscriber connections
 * in worker threads (support/sub-worker.ts), and a throughput measurement that runs from the first publish
 * until the subscriber has counted the last message.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { spawnWorker, type BenchWorker } from './worker.js';
import { benchConnectOptions, loadSdk, type SdkBusClient } from './sdk.js';
import { msSince, nowNs } from './stats.js';

/** Same length as 'stt/final' so raw and SDK messages are the same size on the wire. */
export const RAW_TOPIC = 'raw/final';

let uniq = 0;
export const benchClientId = (role: string) => `bench-${role}-${process.pid}-${++uniq}`;

/** Turn Nagle's algorithm off on an MQTT.js client's socket (MQTT.js leaves Node's default: on). */
export function setNoDelay(c: MqttClient): void {
  const apply = () => (c.stream as { setNoDelay?: (b: boolean) => void } | undefined)?.setNoDelay?.(true);
  apply();
  c.on('connect', apply);
}

export async function rawPublisher(url: string, opts: { noDelay?: boolean } = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId: benchClientId('rawpub'), reconnectPeriod: 0 });
  await new Promise<void>((res, rej) => { c.once('connect', () => res()); c.once('error', rej); });
  if (opts.noDelay) setNoDelay(c);
  return c;
}

export async function sdkClient(url: string, role = 'sdkpub', extra: Record<string, unknown> = {}): Promise<SdkBusClient> {
  const sdk = await loadSdk();
  if (!sdk) throw new Error('runtime not available');
  return sdk.connect(benchConnectOptions(url, benchClientId(role), extra));
}

export function subscriberWorker(
  mode: 'raw' | 'sdk' | 'typed',
  url: string,
  qos: 0 | 1,
  opts: { latency?: boolean; topic?: string; address?: string; noDelay?: boolean; stages?: boolean; typedChannel?: string; dedupe?: boolean } = {},
): Promise<BenchWorker> {
  return spawnWorker(new URL('./sub-worker.js', import.meta.url), {
    mode, url, qos, topic: opts.topic ?? RAW_TOPIC, clientId: benchClientId(`${mode}sub`), latency: Boolean(opts.latency),
    ...(opts.noDelay !== undefined ? { noDelay: opts.noDelay } : {}), ...(opts.address ? { address: opts.address } : {}),
    stages: Boolean(opts.stages), dedupe: Boolean(opts.dedupe),
    ...(opts.typedChannel ? { typedChannel: opts.typedChannel } : {}),
  });
}

export interface Throughput { rate: number; received: number; sent: number; seconds: number }

/**
 * Arm the subscriber for n messages, run publishAll(), wait until the subscriber has them all. On a
 * timeout (loss), drain and report what arrived; the rate is then NaN.
 */
export async function measureThroughput(sub: BenchWorker, n: number, publishAll: () => Promise<unknown>, timeoutMs = 60000): Promise<Throughput> {
  const armed = await sub.call<{ id: number }>({ cmd: 'arm', n });
  const t0 = nowNs();
  await publishAll();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let m: { arm: number; count: number };
    try {
      m = await sub.next('done', Math.max(1, deadline - Date.now()));
    } catch {
      const r = await sub.call<{ count: number }>({ cmd: 'drain', idleMs: 500 });
      return { rate: NaN, received: r.count, sent: n, seconds: msSince(t0) / 1000 };
    }
    if (m.arm === armed.id) break;
  }
  const seconds = msSince(t0) / 1000;
  return { rate: n / seconds, received: n, sent: n, seconds };
}

/** Run `one` n times with at most w in flight. */
export async function windowed(n: number, w: number, one: () => Promise<unknown>): Promise<void> {
  let i = 0;
  const lane = async () => {
    while (i < n) {
      i++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(w, n) }, lane));
}

/** Fire n calls without awaiting each; resolves once all have settled (errors are counted, not thrown). */
export async function fireAndForget(n: number, one: () => Promise<unknown>): Promise<number> {
  let errors = 0;
  const onErr = () => { errors++; };
  let last: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < n; i++) last = one().then(undefined, onErr);
  await last;
  return errors;
}
