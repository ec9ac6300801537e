/**
 * hotpath: the SDK's own per-message CPU, without a broker or sockets: connect() with an in-memory
 * MqttTransport (mqttFactory option) whose publish() completes at once. Compared with the least a raw
 * client does for the same message:
 *  - publish: SDK client.publish(descriptor, data) (QoS 0 and QoS 1) vs JSON.stringify of an Envelope
 *    with a fresh randomUUID id (what any publisher of this Envelope must do);
 *  - receive: the SDK's MQTT 'message' listener (router → decode → validate → queue → handler) vs
 *    JSON.parse(payload.toString()).
 * Reported as ns per message (median of reps) and the SDK−raw difference: what the runtime adds per
 * message on each side. Report only.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript, envelopeJson } from '../support/channels.js';
import { loadSdk, benchConnectOptions } from '../support/sdk.js';
import { median } from '../support/stats.js';

class FakeTransport extends EventEmitter {
  connected = false;
  options: Record<string, unknown>;
  #mid = 0;
  constructor(o: Record<string, unknown>) {
    super();
    this.options = o;
    setImmediate(() => { this.connected = true; this.emit('connect', { sessionPresent: false }); });
  }
  publish(_t: string, _p: string | Buffer, _o: unknown, cb?: (err?: Error) => void): void { this.#mid++; cb?.(); }
  getLastMessageId(): number { return this.#mid; }
  removeOutgoingMessage(): void {}
  async subscribeAsync(_f: string, o: { qos: number }) { return [{ topic: _f, qos: o.qos }]; }
  async unsubscribeAsync() { return undefined; }
  async endAsync() { this.connected = false; }
  end() { this.connected = false; }
  handleMessage(_p: unknown, cb: () => void) { cb(); }
}

/** ns per op, median of reps (after one warm-up rep); fn is called n times per rep and awaited per batch. */
async function nsPerOp(n: number, reps: number, fn: (i: number) => unknown): Promise<{ ns: number; samples: number[] }> {
  const samples: number[] = [];
  for (let r = 0; r <= reps; r++) {
    let last: unknown;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) last = fn(i);
    if (last instanceof Promise) await last;
    const ns = Number(process.hrtime.bigint() - t0) / n;
    if (r > 0) samples.push(ns);
  }
  return { ns: median(samples), samples };
}

export const hotpathBench: Bench = {
  name: 'hotpath',
  description: 'SDK per-message CPU with an in-memory transport (publish, receive) vs the raw minimum',
  async run(ctx: BenchContext): Promise<Row[]> {
    const sdkMod = await loadSdk();
    if (!sdkMod) return [{ bench: 'hotpath', case: '(all)', unit: '', skipped: 'runtime not available yet' }];
    const ch = await loadChannels();
    const n = ctx.quick ? 50_000 : 200_000;
    const reps = ctx.pairs;
    let fake: FakeTransport | null = null;
    const client = await sdkMod.connect(benchConnectOptions('mqtt://127.0.0.1:1', 'hotpath', {
      mqttFactory: (o: Record<string, unknown>) => (fake = new FakeTransport(o)),
    }));
    const rows: Row[] = [];
    try {
      const data = sampleFinalTranscript();
      const noop = () => {};
      // --- publish
      const rawPub = await nsPerOp(n, reps, () => JSON.stringify({ id: randomUUID().replaceAll('-', ''), type: 'stt.final', ts: Date.now() / 1000, source: 'x', data }).length);
      for (const qos of [0, 1] as const) {
        const desc = { ...ch.sttFinal, qos };
        const s = await nsPerOp(n, reps, () => client.publish(desc, data).then(undefined, noop));
        rows.push({
          bench: 'hotpath', case: `publish() QoS ${qos}, per message`, unit: 'ns', raw: rawPub.ns, sdk: s.ns, cmp: s.ns - rawPub.ns, cmpKind: 'delta',
          target: 'report', note: 'raw = stringify Envelope + uuid; fake transport', samples: { raw: rawPub.samples, sdk: s.samples },
        });
      }
      // --- receive: drive the client's own 'message' listener
      const payload = Buffer.from(envelopeJson(data));
      const rawRecv = await nsPerOp(n, reps, () => JSON.parse(payload.toString()));
      let got = 0;
      await client.subscribe(ch.sttFinal, () => { got++; });
      const f = fake as FakeTransport | null;
      if (!f) throw new Error('fake transport not created');
      const packet = { cmd: 'publish', topic: ch.sttFinal.address, payload, qos: 1, retain: false, dup: false, messageId: 1 };
      const listeners = f.listeners('message') as ((t: string, p: Buffer, pk: unknown) => void)[];
      const s = await nsPerOp(n, reps, () => { for (const l of listeners) l(ch.sttFinal.address, payload, packet); });
      if (got === 0) throw new Error('handler never ran (message listener not found)');
      rows.push({
        bench: 'hotpath', case: 'receive → handler, per message', unit: 'ns', raw: rawRecv.ns, sdk: s.ns, cmp: s.ns - rawRecv.ns, cmpKind: 'delta',
        target: 'report', note: 'raw = JSON.parse(payload.toString())', samples: { raw: rawRecv.samples, sdk: s.samples },
      });
    } finally {
      await client.close({ timeoutMs: 500 }).catch(() => {});
    }
    return rows;
  },
};
