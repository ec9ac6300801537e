/**
 * typed: the generated typed functions against raw MQTT.js publishing the same bytes, with validation both
 * ways, the Envelope and dedupe on in the typed subscriber (issue targets):
 * - QoS 0 awaited throughput: publishSttPartial → subscribeSttPartial (stt/partial is QoS 0 in the contract;
 *   same model fields as stt/final) vs raw QoS 0 on a topic of the same length; target >= 0.9x.
 * - QoS 1 publish→handler latency p50/p99: publishSttFinal → subscribeSttFinal (QoS 1 in the contract) vs raw
 *   QoS 1 whose publisher builds its Envelope per message (as in the latency bench); target p99 <= +30 µs.
 * - QoS 1 throughput, sequential and 100 in flight (publishSttFinal/subscribeSttFinal), >= 0.9x / 0.8x.
 * Prints "skipped: not generated yet" while generated/ has no publishSttFinal.
 * BENCH_TYPED_MODULE=<path from the repo root> points it at another module with the same functions.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { importOptional, sampleFinalTranscript, envelopeJson, TYPED_MODULE } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianDelta, medianRatio } from '../support/pairs.js';
import { median, fmt } from '../support/stats.js';
import { RAW_TOPIC, measureThroughput, rawPublisher, sdkClient, subscriberWorker, windowed, type Throughput } from '../support/pubsub.js';
import type { BenchWorker } from '../support/worker.js';
import { sampleLatency, type Lat } from './latency.js';
import { WINDOW } from './qos1.js';

/** Same length as 'stt/partial'. */
const RAW_PARTIAL_TOPIC = 'raw/partial';
/** BENCH_TYPED_DEDUPE=0 turns the typed subscribers' dedupe off (diagnostics). */
const DEDUPE = process.env.BENCH_TYPED_DEDUPE !== '0';

type TypedPublish = (bus: SdkBusClient, data: unknown, opts?: unknown) => Promise<unknown>;

export const typedBench: Bench = {
  name: 'typed',
  description: 'generated publish/subscribe functions (validation, envelope, dedupe) vs raw MQTT.js: QoS 0 throughput, QoS 1 latency and throughput',
  async run(ctx: BenchContext): Promise<Row[]> {
    const gen = await importOptional<Record<string, unknown>>(TYPED_MODULE).catch(() => null);
    const publishSttFinal = gen?.publishSttFinal as TypedPublish | undefined;
    const publishSttPartial = gen?.publishSttPartial as TypedPublish | undefined;
    if (typeof publishSttFinal !== 'function' || typeof gen?.subscribeSttFinal !== 'function') {
      return [{ bench: 'typed', case: 'publishSttFinal/subscribeSttFinal', unit: 'msg/s', target: '>= 0.9x / 0.8x', skipped: 'skipped: not generated yet' }];
    }
    if (!(await loadSdk())) return [{ bench: 'typed', case: '(all)', unit: '', skipped: 'runtime not available yet' }];
    const nQos0 = ctx.quick ? 10_000 : 40_000;
    const nSeq = ctx.quick ? 2_000 : 5_000;
    const nWin = ctx.quick ? 5_000 : 20_000;
    const kLat = ctx.quick ? 500 : 2000;
    const data = sampleFinalTranscript();
    const rawFinal = Buffer.from(envelopeJson(data));
    const rawPartial = Buffer.from(envelopeJson({ ...data, is_final: false }, 'stt.partial'));
    const partialData = { ...data, is_final: false };
    const raw: MqttClient = await rawPublisher(ctx.url, { noDelay: true });
    const bus = await sdkClient(ctx.url, 'typedpub');
    const workers: BenchWorker[] = [];
    const worker = async (w: Promise<BenchWorker>) => {
      const got = await w;
      workers.push(got);
      return got;
    };
    const rows: Row[] = [];
    const note = `from ${TYPED_MODULE.replace(/\.js$/, '.ts')}; typed subscriber dedupe ${DEDUPE ? 'on' : 'off'}`;
    try {
      const show = (t: Throughput) => (Number.isNaN(t.rate) ? `lost ${t.received}` : fmt(t.rate) + '/s');
      const throughput = async (label: string, target: number, r: () => Promise<Throughput>, s: () => Promise<Throughput>) => {
        const res = await alternate(ctx.pairs, r, s, { log: ctx.log, label: `typed ${label}`, show });
        const rr = res.raw.map((t) => t.rate);
        const sr = res.sdk.map((t) => t.rate);
        const cmp = medianRatio(sr, rr);
        rows.push({
          bench: 'typed', case: label, unit: 'msg/s', raw: median(rr), sdk: median(sr), cmp, cmpKind: 'ratio',
          target: `>= ${target}x`, pass: Number.isNaN(cmp) ? false : cmp >= target, samples: { raw: rr, sdk: sr }, note,
        });
      };

      // QoS 0, awaited: stt/partial.
      if (typeof publishSttPartial === 'function' && typeof gen?.subscribeSttPartial === 'function') {
        const rawSub0 = await worker(subscriberWorker('raw', ctx.url, 0, { topic: RAW_PARTIAL_TOPIC, noDelay: true }));
        const typedSub0 = await worker(subscriberWorker('typed', ctx.url, 0, { typedChannel: 'SttPartial', dedupe: DEDUPE }));
        await throughput(
          `QoS 0 awaited, publishSttPartial, ${fmt(nQos0, 0)} msgs`, 0.9,
          () => measureThroughput(rawSub0, nQos0, async () => { for (let i = 0; i < nQos0; i++) await raw.publishAsync(RAW_PARTIAL_TOPIC, rawPartial, { qos: 0 }); }),
          () => measureThroughput(typedSub0, nQos0, async () => { for (let i = 0; i < nQos0; i++) await publishSttPartial(bus, partialData); }),
        );
      } else {
        rows.push({ bench: 'typed', case: 'QoS 0 awaited, publishSttPartial', unit: 'msg/s', target: '>= 0.9x', skipped: 'no publishSttPartial in the typed module' });
      }

      // QoS 1: latency, then throughput (stt/final). Each phase has its own subscribers, gone before the next
      // phase: a latency subscriber left on the topic would get every throughput message too (the throughput
      // data has utt_id null: the raw latency worker dies on it, the typed one's handler throws per message),
      // so the SDK side would have two subscribers and a handler error per message, the raw side one.
      const rawLatSub = await worker(subscriberWorker('raw', ctx.url, 1, { latency: true, noDelay: true }));
      const typedLatSub = await worker(subscriberWorker('typed', ctx.url, 1, { latency: true, dedupe: DEDUPE }));
      const rawData = { ...data };
      const latData = { ...data };
      const showLat = (l: Lat) => `p50 ${l.p50.toFixed(0)} µs p99 ${l.p99.toFixed(0)} µs`;
      const lat = await alternate(
        ctx.pairs,
        () => sampleLatency(kLat, 3000, rawLatSub, () => {
          rawData.utt_id = String(process.hrtime.bigint());
          const env = { id: randomUUID().replaceAll('-', ''), type: 'stt.final', ts: Date.now() / 1000, source: 'bench-pub', data: rawData };
          return raw.publishAsync(RAW_TOPIC, JSON.stringify(env), { qos: 1 });
        }),
        () => sampleLatency(kLat, 3000, typedLatSub, () => {
          latData.utt_id = String(process.hrtime.bigint());
          return publishSttFinal(bus, latData);
        }),
        { log: ctx.log, label: 'typed latency qos1', show: showLat },
      );
      for (const [which, limit] of [['p50', 10], ['p99', 30]] as const) {
        const r = lat.raw.map((l) => l[which]);
        const s = lat.sdk.map((l) => l[which]);
        const d = medianDelta(s, r);
        rows.push({
          bench: 'typed', case: `QoS 1 latency ${which}, publishSttFinal`, unit: 'µs', raw: median(r), sdk: median(s), cmp: d, cmpKind: 'delta',
          target: `<= +${limit} µs`, pass: d <= limit, samples: { raw: r, sdk: s }, note,
        });
      }
      for (const w of [rawLatSub, typedLatSub]) {
        workers.splice(workers.indexOf(w), 1);
        await w.terminate();
      }
      const rawSub1 = await worker(subscriberWorker('raw', ctx.url, 1, { noDelay: true }));
      const typedSub1 = await worker(subscriberWorker('typed', ctx.url, 1, { dedupe: DEDUPE }));
      await throughput(
        `QoS 1 sequential, ${fmt(nSeq, 0)} msgs`, 0.9,
        () => measureThroughput(rawSub1, nSeq, async () => { for (let i = 0; i < nSeq; i++) await raw.publishAsync(RAW_TOPIC, rawFinal, { qos: 1 }); }),
        () => measureThroughput(typedSub1, nSeq, async () => { for (let i = 0; i < nSeq; i++) await publishSttFinal(bus, data); }),
      );
      await throughput(
        `QoS 1 ${WINDOW} in flight, ${fmt(nWin, 0)} msgs`, 0.8,
        () => measureThroughput(rawSub1, nWin, () => windowed(nWin, WINDOW, () => raw.publishAsync(RAW_TOPIC, rawFinal, { qos: 1 }))),
        () => measureThroughput(typedSub1, nWin, () => windowed(nWin, WINDOW, () => publishSttFinal(bus, data))),
      );
    } finally {
      await raw.endAsync().catch(() => {});
      for (const w of workers) await w.terminate();
      await bus.close({ timeoutMs: 1000 }).catch(() => {});
    }
    return rows;
  },
};
