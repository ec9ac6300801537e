/**
 * Subscriber side of the throughput/latency benches, in its own worker thread (own event loop and MQTT
 * connection), so publisher and subscriber do not share a thread.
 *
 * workerData: { mode: 'raw' | 'sdk' | 'typed', url, topic (raw), qos, clientId, latency: boolean }
 * - raw: MQTT.js subscribe + JSON.parse of each payload (what a raw consumer does at the least).
 * - sdk: runtime connect() + client.subscribe(descriptor (qos overridden), handler): envelope parse,
 *   validation, routing, dedupe as configured by default.
 * - typed: generated subscribe<typedChannel>(bus, handler, { dedupe }) (default SttFinal; dedupe off unless asked).
 * Commands: arm {n} → replies when armed; 'done' is posted when n messages arrived; drain {idleMs}
 * → replies with the count once no message arrived for idleMs; close.
 * Latency mode: the publisher puts process.hrtime.bigint() (decimal string) in data.utt_id; the worker
 * posts {type:'lat', ns} for every message (hrtime is one monotonic clock for all threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt, { type MqttClient } from 'mqtt';
import { loadChannels, importOptional, TYPED_MODULE } from './channels.js';
import { loadSdk, benchConnectOptions } from './sdk.js';

const port = parentPort!;
const wd = workerData as {
  mode: 'raw' | 'sdk' | 'typed'; url: string; topic: string; qos: 0 | 1; clientId: string; latency: boolean; address?: string;
  /** TCP_NODELAY on this side's socket: raw default off (MQTT.js), sdk default on (the runtime sets it). */
  noDelay?: boolean;
  /** Latency mode: also post when the socket's 'data' and MQTT.js's 'message' came (diagnostics). */
  stages?: boolean;
  /** typed mode: which generated subscribe function (`subscribe<typedChannel>`), and its dedupe option. */
  typedChannel?: string;
  dedupe?: boolean;
};

/** Diagnostics: hrtime of the last socket 'data' event and of the last MQTT.js 'message' event. */
let tData = 0n;
let tMsg = 0n;
function instrument(c: MqttClient): void {
  const onData = () => { tData = process.hrtime.bigint(); };
  const hook = () => { (c.stream as unknown as NodeJS.EventEmitter).prependListener('data', onData); };
  if (c.stream) hook();
  c.on('connect', () => { if (!(c.stream as unknown as NodeJS.EventEmitter).listeners('data').includes(onData)) hook(); });
  c.prependListener('message', () => { tMsg = process.hrtime.bigint(); });
}
const setNoDelay = (c: MqttClient, on: boolean) => (c.stream as { setNoDelay?: (b: boolean) => void } | undefined)?.setNoDelay?.(on);

let count = 0;
let target = Infinity;
let doneId = 0;
let lastAt = Date.now();

function onData(utt: unknown): void {
  count++;
  lastAt = Date.now();
  if (wd.latency) {
    const now = process.hrtime.bigint();
    const t0 = BigInt(utt as string);
    if (wd.stages) port.postMessage({ type: 'lat', ns: Number(now - t0), data: Number(tData - t0), msg: Number(tMsg - t0) });
    else port.postMessage({ type: 'lat', ns: Number(now - t0) });
  }
  if (count === target) port.postMessage({ type: 'done', arm: doneId, count });
}

let close: () => Promise<void> = async () => {};

if (wd.mode === 'raw') {
  const c = mqtt.connect(wd.url, { clientId: wd.clientId, reconnectPeriod: 0 });
  await new Promise<void>((res, rej) => { c.once('connect', () => res()); c.once('error', rej); });
  if (wd.noDelay) { setNoDelay(c, true); c.on('connect', () => setNoDelay(c, true)); }
  if (wd.stages) instrument(c);
  c.on('message', (_t, payload) => {
    const env = JSON.parse(payload.toString());
    onData(wd.latency ? env.data.utt_id : undefined);
  });
  await c.subscribeAsync(wd.topic, { qos: wd.qos });
  close = async () => { await c.endAsync(); };
} else {
  const sdk = await loadSdk();
  if (!sdk) throw new Error('runtime not available');
  const ch = await loadChannels();
  const extra: Record<string, unknown> = {};
  if (wd.stages || wd.noDelay === false) {
    // Diagnostics: reach the runtime's MQTT.js client (mqttFactory option) to time its events, or to turn
    // the TCP_NODELAY the runtime sets on connect back off (after the runtime's own 'connect' listener).
    extra.mqttFactory = (o: Record<string, unknown>) => {
      const c = mqtt.connect(o);
      if (wd.stages) instrument(c);
      if (wd.noDelay === false) c.on('connect', () => setImmediate(() => setNoDelay(c, false)));
      return c;
    };
  }
  const client = await sdk.connect(benchConnectOptions(wd.url, wd.clientId, extra));
  if (wd.mode === 'typed') {
    const gen = await importOptional<Record<string, any>>(TYPED_MODULE);
    const name = `subscribe${wd.typedChannel ?? 'SttFinal'}`;
    const sub = gen?.[name];
    if (typeof sub !== 'function') throw new Error(`generated ${name} not available`);
    await sub(client, (data: any) => onData(data.utt_id), { dedupe: Boolean(wd.dedupe) });
  } else {
    const desc = { ...ch.sttFinal, qos: wd.qos, ...(wd.address ? { address: wd.address } : {}) };
    await client.subscribe(desc, (data: any) => onData(data.utt_id));
  }
  close = async () => { await client.close({ timeoutMs: 1000 }); };
}

port.on('message', async (m: any) => {
  try {
    switch (m.cmd) {
      case 'arm':
        count = 0;
        lastAt = Date.now();
        target = m.n;
        doneId = m.id;
        port.postMessage({ id: m.id, armed: true });
        break;
      case 'drain': {
        const deadline = Date.now() + (m.maxMs ?? 10000);
        while (Date.now() - lastAt < m.idleMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        port.postMessage({ id: m.id, count });
        break;
      }
      case 'close':
        await close();
        port.postMessage({ id: m.id, closed: true });
        break;
      default:
        port.postMessage({ id: m.id, error: `unknown command ${m.cmd}` });
    }
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message });
  }
});
port.postMessage({ type: 'ready' });
