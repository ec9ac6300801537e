/**
 * One subscriber of the share bench (benches/share.ts), in its own worker thread (own event loop and MQTT
 * connection, MQTT 5). Several of these form a share group; the group's progress lives in shared memory, so
 * no thread has to ask the others how far they are.
 *
 * workerData: { mode: 'raw' | 'sdk', url, clientId, topic, group?, noDelay? }
 * - raw: MQTT.js, protocolVersion 5, subscribes `topic` at QoS 1 (`$share/<group>/<topic>` when group is
 *   given: diagnostics only), JSON.parse of each payload.
 * - sdk: runtime connect({ protocolVersion: 5 }) + client.subscribe(sttFinal descriptor, handler,
 *   { group }) with default flow options (concurrency 1, maxPending, overflow 'wait', ack 'received').
 * Each message carries its sequence number in the last 8 hex digits of the Envelope id (see share.ts); the
 * handler reads it from the Envelope (JSON.parse on the raw side, the runtime's Envelope on the SDK side).
 *
 * Commands:
 * - arm { n, seen: SharedArrayBuffer(n) (Uint8Array: times each message was handled, all members),
 *   state: SharedArrayBuffer(16) (Int32Array [0] = distinct messages handled by the group,
 *   BigInt64Array [1] = hrtime of the handler call that completed the set) } → { armed }.
 * - drain { idleMs, maxMs } → { count, stray } once no message came for idleMs: this member's messages since
 *   arm, and messages that arrived while not armed or carried no usable sequence number.
 * - close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { loadChannels } from './channels.js';
import { loadSdk, benchConnectOptions } from './sdk.js';

const port = parentPort!;
const wd = workerData as { mode: 'raw' | 'sdk'; url: string; clientId: string; topic: string; group?: string; noDelay?: boolean };

let seen: Uint8Array | null = null;
let distinct: Int32Array | null = null;
let endAt: BigInt64Array | null = null;
let n = 0;
let mine = 0;
let stray = 0;
let lastAt = Date.now();

/** One handled message: id is the Envelope id, its last 8 hex digits the sequence number. */
function handled(id: unknown): void {
  lastAt = Date.now();
  const i = typeof id === 'string' ? Number.parseInt(id.slice(24), 16) : NaN;
  if (seen === null || !(i >= 0 && i < n)) {
    stray++;
    return;
  }
  mine++;
  // First time any member handled message i: count it; the member that completes the set stamps the time.
  if (Atomics.add(seen, i, 1) === 0 && Atomics.add(distinct!, 0, 1) === n - 1) Atomics.store(endAt!, 1, process.hrtime.bigint());
}

let close: () => Promise<void> = async () => {};

if (wd.mode === 'raw') {
  const filter = wd.group ? `$share/${wd.group}/${wd.topic}` : wd.topic;
  const c = mqtt.connect(wd.url, { clientId: wd.clientId, reconnectPeriod: 0, protocolVersion: 5 });
  await new Promise<void>((res, rej) => { c.once('connect', () => res()); c.once('error', rej); });
  if (wd.noDelay) (c.stream as { setNoDelay?: (b: boolean) => void } | undefined)?.setNoDelay?.(true);
  c.on('message', (_t, payload) => {
    const env = JSON.parse(payload.toString());
    handled(env.id);
  });
  await c.subscribeAsync(filter, { qos: 1 });
  close = async () => { await c.endAsync(); };
} else {
  const sdk = await loadSdk();
  if (!sdk) throw new Error('runtime not available');
  const ch = await loadChannels();
  const client = await sdk.connect(benchConnectOptions(wd.url, wd.clientId, { protocolVersion: 5 }));
  await client.subscribe(ch.sttFinal, (_data: unknown, env: { id?: string } | null) => handled(env?.id), wd.group ? { group: wd.group } : {});
  close = async () => { await client.close({ timeoutMs: 1000 }); };
}

port.on('message', async (m: any) => {
  try {
    switch (m.cmd) {
      case 'arm':
        n = m.n;
        seen = new Uint8Array(m.seen as SharedArrayBuffer);
        distinct = new Int32Array(m.state as SharedArrayBuffer, 0, 1);
        endAt = new BigInt64Array(m.state as SharedArrayBuffer, 0, 2);
        mine = 0;
        stray = 0;
        lastAt = Date.now();
        port.postMessage({ id: m.id, armed: true });
        break;
      case 'drain': {
        const deadline = Date.now() + (m.maxMs ?? 10000);
        while (Date.now() - lastAt < m.idleMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        port.postMessage({ id: m.id, count: mine, stray });
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
