/**
 * request: round trip of runtime request() for llm/request → llm/response, one at a time, with a responder
 * on a second connection (worker thread). Report only (no target). Raw baseline: the same exchange with
 * bare MQTT.js on both ends (publish, wait for the reply with the same data.id via one 'message' listener).
 */
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { importOptional, loadChannels } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianDelta } from '../support/pairs.js';
import { median, percentile } from '../support/stats.js';
import { benchClientId, rawPublisher, sdkClient } from '../support/pubsub.js';
import { spawnWorker, type BenchWorker } from '../support/worker.js';

const RAW_REQ = 'raw/llm/request';
const RAW_REP = 'raw/llm/response';
/** The raw baseline turns Nagle off on both ends: with MQTT.js defaults every round trip stalls ~40 ms
 *  (the responder's PUBACK + reply PUBLISH are two small writes; the second waits for a delayed ACK). */
const RAW_NODELAY = process.env.BENCH_RAW_NODELAY !== '0';

interface Lat { p50: number; p99: number; n: number }
const summarize = (us: Float64Array, n: number): Lat => ({ p50: percentile(us.subarray(0, n), 50), p99: percentile(us.subarray(0, n), 99), n });

export const requestBench: Bench = {
  name: 'request',
  description: 'request() round trip llm/request → llm/response, p50/p99 (report only)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const sdkMod = await loadSdk();
    const rq = await importOptional<Record<string, any>>('runtime/request.js');
    const request = rq?.request as undefined | ((c: unknown, a: unknown, b: unknown, d: unknown, o: unknown) => Promise<{ data: { id: string } }>);
    const k = ctx.quick ? 300 : 1000;
    // each run stops after k round trips or maxMs, whichever first (a 40 ms Nagle stall per trip would
    // otherwise make this bench run for minutes)
    const maxMs = ctx.quick ? 800 : 2500;
    const ch = await loadChannels();
    const spawnResponder = (mode: 'raw' | 'sdk') =>
      spawnWorker(new URL('../support/responder-worker.js', import.meta.url), { mode, url: ctx.url, clientId: benchClientId(`${mode}resp`), reqTopic: RAW_REQ, repTopic: RAW_REP, noDelay: RAW_NODELAY });

    // raw requester: one listener, a map of pending ids
    const raw: MqttClient = await rawPublisher(ctx.url, { noDelay: RAW_NODELAY });
    const pending = new Map<string, () => void>();
    raw.on('message', (_t, payload) => {
      const env = JSON.parse(payload.toString());
      const done = pending.get(env.data.id);
      if (done) { pending.delete(env.data.id); done(); }
    });
    await raw.subscribeAsync(RAW_REP, { qos: 1 });
    const rawResp: BenchWorker = await spawnResponder('raw');
    let sdk: SdkBusClient | null = null;
    let sdkResp: BenchWorker | null = null;
    const rows: Row[] = [];
    let seq = 0;
    try {
      const rawRun = async (): Promise<Lat> => {
        const us = new Float64Array(k);
        const end = Date.now() + maxMs;
        let i = 0;
        for (; i < k && Date.now() < end; i++) {
          const id = `rt-${(++seq).toString(16)}`;
          const t0 = process.hrtime.bigint();
          const p = new Promise<void>((res) => pending.set(id, res));
          const env = JSON.stringify({ id: id, type: 'llm.request', ts: Date.now() / 1000, source: 'bench', data: { id, text: 'hello there', stream: false } });
          await raw.publishAsync(RAW_REQ, env, { qos: 1 });
          await p;
          us[i] = Number(process.hrtime.bigint() - t0) / 1000;
        }
        return summarize(us, i);
      };
      let sdkRun: () => Promise<Lat | null> = async () => null;
      let why = '';
      if (!sdkMod) why = 'runtime not available yet';
      else if (!request) why = 'runtime/request.ts has no request()';
      else {
        sdk = await sdkClient(ctx.url, 'sdkreq');
        sdkResp = await spawnResponder('sdk');
        sdkRun = async () => {
          const us = new Float64Array(k);
          const end = Date.now() + maxMs;
          let i = 0;
          for (; i < k && Date.now() < end; i++) {
            const id = `rt-${(++seq).toString(16)}`;
            const t0 = process.hrtime.bigint();
            const r = await request(sdk, ch.llmRequest, ch.llmResponse, { id, text: 'hello there', stream: false }, { timeoutMs: 5000 });
            us[i] = Number(process.hrtime.bigint() - t0) / 1000;
            if (r.data.id !== id) throw new Error('reply crossed');
          }
          return summarize(us, i);
        };
      }
      const show = (l: Lat | null) => (l ? `p50 ${l.p50.toFixed(0)} µs p99 ${l.p99.toFixed(0)} µs (${l.n})` : '-');
      const res = await alternate(ctx.pairs, rawRun, sdkRun, { log: ctx.log, label: 'request', show });
      for (const which of ['p50', 'p99'] as const) {
        const r = res.raw.map((l) => l![which]);
        if (why) {
          rows.push({ bench: 'request', case: `round trip ${which}`, unit: 'µs', raw: median(r), target: 'report', note: `sdk: ${why}; raw${RAW_NODELAY ? ' TCP_NODELAY' : ' Nagle on'}` });
          continue;
        }
        const s = res.sdk.map((l) => l![which]);
        rows.push({
          bench: 'request', case: `round trip ${which}`, unit: 'µs', raw: median(r), sdk: median(s), cmp: medianDelta(s, r), cmpKind: 'delta',
          target: 'report', note: `descriptors: ${ch.source}; raw = MQTT.js both ends${RAW_NODELAY ? ', TCP_NODELAY' : ', Nagle on'}; trips/run raw ${median(res.raw.map((l) => l!.n))} sdk ${median(res.sdk.map((l) => l!.n))}`, samples: { raw: r, sdk: s },
        });
      }
    } finally {
      await raw.endAsync().catch(() => {});
      await rawResp.terminate();
      await sdkResp?.terminate();
      await sdk?.close({ timeoutMs: 1000 }).catch(() => {});
    }
    return rows;
  },
};
