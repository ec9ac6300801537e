/**
 * latency: publish → handler latency with one message in flight, at QoS 0 and QoS 1.
 * The publisher (main thread) writes process.hrtime.bigint() into data.utt_id just before the publish
 * call; the subscriber (worker thread, own connection) subtracts it from hrtime on arrival (one monotonic
 * clock for all threads). raw: MQTT.js publishing JSON.stringify of an Envelope with a fresh randomUUID id
 * (what any publisher of this Envelope must do per message, the same baseline as the hotpath bench), the
 * subscriber JSON.parses; sdk: client.publish(descriptor, data) → handler(data), so the SDK's
 * validate/frame/serialise and parse/validate/route costs are inside the measured time.
 * Socket options: the runtime sets TCP_NODELAY on its socket; the raw clients get it too (a tuned raw client
 * sets it; BENCH_RAW_NODELAY=0 keeps MQTT.js's default, Nagle on). With one message in flight Nagle rarely
 * holds a segment, but the two sides should not differ in it.
 * Per pair: p50 and p99 of each side; reported: median over pairs of SDK−raw, targets +10 µs / +30 µs.
 * BENCH_LATENCY_MIXED=1 adds `info` rows (QoS 0 p50, SDK publisher → raw subscriber and raw → SDK) that
 * split the gap into its publish side and its receive side.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianDelta } from '../support/pairs.js';
import { median, percentile } from '../support/stats.js';
import { RAW_TOPIC, rawPublisher, sdkClient, subscriberWorker } from '../support/pubsub.js';

const RAW_NODELAY = process.env.BENCH_RAW_NODELAY !== '0';
const MIXED = process.env.BENCH_LATENCY_MIXED === '1';
import type { BenchWorker } from '../support/worker.js';

export interface Lat { p50: number; p99: number }

/** k samples, or fewer if maxMs runs out first. */
export async function sampleLatency(k: number, maxMs: number, sub: BenchWorker, publishOne: () => Promise<unknown>): Promise<Lat> {
  const us = new Float64Array(k);
  const end = Date.now() + maxMs;
  let i = 0;
  for (; i < k && Date.now() < end; i++) {
    const got = sub.next<{ ns: number }>('lat', 10000);
    await publishOne();
    us[i] = (await got).ns / 1000;
  }
  const got = us.subarray(0, i);
  return { p50: percentile(got, 50), p99: percentile(got, 99) };
}

export const latencyBench: Bench = {
  name: 'latency',
  description: 'publish→handler latency p50/p99, 1 in flight, QoS 0 and QoS 1, raw vs SDK',
  async run(ctx: BenchContext): Promise<Row[]> {
    const k = ctx.quick ? 500 : 2000;
    const maxMs = ctx.quick ? 1000 : 3000;
    const sdkMod = await loadSdk();
    const ch = await loadChannels();
    const rows: Row[] = [];
    for (const qos of [0, 1] as const) {
      const desc = { ...ch.sttFinal, qos };
      const data = sampleFinalTranscript();
      const rawData = { ...data };
      const raw: MqttClient = await rawPublisher(ctx.url, { noDelay: RAW_NODELAY });
      const rawSub = await subscriberWorker('raw', ctx.url, qos, { latency: true, noDelay: RAW_NODELAY });
      let sdk: SdkBusClient | null = null;
      let sdkSub: BenchWorker | null = null;
      try {
        if (sdkMod) {
          sdk = await sdkClient(ctx.url);
          sdkSub = await subscriberWorker('sdk', ctx.url, qos, { latency: true });
        }
        const rawRun = () => sampleLatency(k, maxMs, rawSub, () => {
          rawData.utt_id = String(process.hrtime.bigint());
          const env = { id: randomUUID().replaceAll('-', ''), type: 'stt.final', ts: Date.now() / 1000, source: 'bench-pub', data: rawData };
          return raw.publishAsync(RAW_TOPIC, JSON.stringify(env), { qos });
        });
        const sdkRun = async () => {
          if (!sdk) return null;
          return sampleLatency(k, maxMs, sdkSub!, () => { data.utt_id = String(process.hrtime.bigint()); return sdk!.publish(desc, data); });
        };
        const show = (l: Lat | null) => (l ? `p50 ${l.p50.toFixed(0)} µs p99 ${l.p99.toFixed(0)} µs` : '-');
        const res = await alternate(ctx.pairs, rawRun, sdkRun, { log: ctx.log, label: `latency qos${qos}`, show });
        for (const [which, limit] of [['p50', 10], ['p99', 30]] as const) {
          const r = res.raw.map((l) => l![which]);
          if (!sdk) {
            rows.push({ bench: 'latency', case: `QoS ${qos} ${which}, ${k}/run`, unit: 'µs', raw: median(r), target: `<= +${limit} µs`, pass: null, note: 'sdk: runtime not available yet' });
            continue;
          }
          const s = res.sdk.map((l) => l![which]);
          const d = medianDelta(s, r);
          rows.push({
            bench: 'latency', case: `QoS ${qos} ${which}, ${k}/run`, unit: 'µs', raw: median(r), sdk: median(s), cmp: d, cmpKind: 'delta',
            target: `<= +${limit} µs`, pass: d <= limit, samples: { raw: r, sdk: s },
          });
        }
        if (MIXED && sdk) rows.push(...(await mixedRows(ctx, qos, k, maxMs, rawRun, desc, data, sdk, raw)));
      } finally {
        await raw.endAsync().catch(() => {});
        await rawSub.terminate();
        await sdkSub?.terminate();
        await sdk?.close({ timeoutMs: 1000 }).catch(() => {});
      }
    }
    return rows;
  },
};

/**
 * Diagnostic (BENCH_LATENCY_MIXED=1): SDK publisher → raw subscriber and raw publisher → SDK subscriber, each
 * alternated with raw → raw; p50 delta vs raw → raw. Own topics (same length as stt/final) so no other
 * subscriber of this bench sees these messages.
 */
async function mixedRows(
  ctx: BenchContext, qos: 0 | 1, k: number, maxMs: number, rawRun: () => Promise<Lat>,
  desc: { address: string } & Record<string, unknown>, data: { utt_id?: string | null }, sdk: SdkBusClient, raw: MqttClient,
): Promise<Row[]> {
  const rows: Row[] = [];
  const A = 'mxa/final';
  const B = 'mxb/final';
  const toRaw = await subscriberWorker('raw', ctx.url, qos, { latency: true, noDelay: RAW_NODELAY, topic: A });
  const toSdk = await subscriberWorker('sdk', ctx.url, qos, { latency: true, address: B });
  try {
    const sdkDesc = { ...desc, address: A } as unknown as Parameters<SdkBusClient['publish']>[0];
    const rawData = { ...data };
    const cases: [string, () => Promise<Lat>][] = [
      ['SDK pub → raw sub', () => sampleLatency(k, maxMs, toRaw, () => { data.utt_id = String(process.hrtime.bigint()); return sdk.publish(sdkDesc, data); })],
      ['raw pub → SDK sub', () => sampleLatency(k, maxMs, toSdk, () => {
        rawData.utt_id = String(process.hrtime.bigint());
        const env = { id: randomUUID().replaceAll('-', ''), type: 'stt.final', ts: Date.now() / 1000, source: 'bench-pub', data: rawData };
        return raw.publishAsync(B, JSON.stringify(env), { qos });
      })],
    ];
    for (const [name, run] of cases) {
      const show = (l: Lat) => `p50 ${l.p50.toFixed(0)} µs p99 ${l.p99.toFixed(0)} µs`;
      const res = await alternate(ctx.pairs, rawRun, run, { log: ctx.log, label: `latency qos${qos} ${name}`, show });
      const r = res.raw.map((l) => l.p50);
      const m = res.sdk.map((l) => l.p50);
      rows.push({
        bench: 'latency', case: `QoS ${qos} p50 info: ${name}`, unit: 'µs', raw: median(r), sdk: median(m), cmp: medianDelta(m, r), cmpKind: 'delta',
        target: 'info', pass: null, note: 'diagnostic: sdk column = this mixed pair, raw = raw → raw', samples: { raw: r, mixed: m },
      });
    }
  } finally {
    await toRaw.terminate();
    await toSdk.terminate();
  }
  return rows;
}
