/**
 * latency: publish → handler latency with one message in flight, at QoS 0 and QoS 1.
 * The publisher (main thread) writes process.hrtime.bigint() into data.utt_id just before the publish
 * call; the subscriber (worker thread, own connection) subtracts it from hrtime on arrival (one monotonic
 * clock for all threads). raw: the timestamp is spliced into a pre-serialised Envelope and published with
 * MQTT.js, the subscriber JSON.parses; sdk: client.publish(descriptor, data) → handler(data), so the SDK's
 * validate/frame/serialise and parse/validate/route costs are inside the measured time.
 * Per pair: p50 and p99 of each side; reported: median over pairs of SDK−raw, targets +10 µs / +30 µs.
 */
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript, envelopeJson } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianDelta } from '../support/pairs.js';
import { median, percentile } from '../support/stats.js';
import { RAW_TOPIC, rawPublisher, sdkClient, subscriberWorker } from '../support/pubsub.js';
import type { BenchWorker } from '../support/worker.js';

interface Lat { p50: number; p99: number }

/** k samples, or fewer if maxMs runs out first. */
async function sampleLatency(k: number, maxMs: number, sub: BenchWorker, publishOne: () => Promise<unknown>): Promise<Lat> {
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
      const MARK = '__T__';
      const [pre, post] = envelopeJson({ ...data, utt_id: MARK }).split(`"${MARK}"`) as [string, string];
      const raw: MqttClient = await rawPublisher(ctx.url);
      const rawSub = await subscriberWorker('raw', ctx.url, qos, { latency: true });
      let sdk: SdkBusClient | null = null;
      let sdkSub: BenchWorker | null = null;
      try {
        if (sdkMod) {
          sdk = await sdkClient(ctx.url);
          sdkSub = await subscriberWorker('sdk', ctx.url, qos, { latency: true });
        }
        const rawRun = () => sampleLatency(k, maxMs, rawSub, () => raw.publishAsync(RAW_TOPIC, `${pre}"${process.hrtime.bigint()}"${post}`, { qos }));
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
