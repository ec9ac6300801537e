/**
 * typed: the generated typed functions publishSttFinal(bus, data) + subscribeSttFinal(bus, handler) against
 * raw MQTT.js, like qos1 (stt/final is QoS 1 in the contract, so the raw side publishes at QoS 1 too):
 * sequential and 100 in flight. Prints "skipped: not generated yet" while generated/ has no publishSttFinal.
 * BENCH_TYPED_MODULE=<path from the repo root> points it at another module with the same two functions.
 */
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { importOptional, sampleFinalTranscript, envelopeJson, TYPED_MODULE } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianRatio } from '../support/pairs.js';
import { median, fmt } from '../support/stats.js';
import { RAW_TOPIC, measureThroughput, rawPublisher, sdkClient, subscriberWorker, windowed, type Throughput } from '../support/pubsub.js';
import type { BenchWorker } from '../support/worker.js';
import { WINDOW } from './qos1.js';

export const typedBench: Bench = {
  name: 'typed',
  description: 'generated publishSttFinal/subscribeSttFinal vs raw MQTT.js (QoS 1 as in the contract)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const gen = await importOptional<Record<string, any>>(TYPED_MODULE).catch(() => null);
    const publishSttFinal = gen?.publishSttFinal as undefined | ((bus: SdkBusClient, data: unknown, opts?: unknown) => Promise<unknown>);
    if (typeof publishSttFinal !== 'function' || typeof gen?.subscribeSttFinal !== 'function') {
      return [{ bench: 'typed', case: 'publishSttFinal/subscribeSttFinal', unit: 'msg/s', target: '>= 0.9x / 0.8x', skipped: 'skipped: not generated yet' }];
    }
    if (!(await loadSdk())) return [{ bench: 'typed', case: '(all)', unit: '', skipped: 'runtime not available yet' }];
    const nSeq = ctx.quick ? 2_000 : 5_000;
    const nWin = ctx.quick ? 5_000 : 20_000;
    const data = sampleFinalTranscript();
    const rawPayload = Buffer.from(envelopeJson(data));
    const raw: MqttClient = await rawPublisher(ctx.url);
    const rawSub: BenchWorker = await subscriberWorker('raw', ctx.url, 1);
    const bus = await sdkClient(ctx.url, 'typedpub');
    const typedSub = await subscriberWorker('typed', ctx.url, 1);
    const rows: Row[] = [];
    try {
      const show = (t: Throughput) => (Number.isNaN(t.rate) ? `lost ${t.received}` : fmt(t.rate) + '/s');
      const cases = [
        {
          label: `sequential, ${fmt(nSeq, 0)} msgs`, target: 0.9,
          raw: () => measureThroughput(rawSub, nSeq, async () => { for (let i = 0; i < nSeq; i++) await raw.publishAsync(RAW_TOPIC, rawPayload, { qos: 1 }); }),
          sdk: () => measureThroughput(typedSub, nSeq, async () => { for (let i = 0; i < nSeq; i++) await publishSttFinal(bus, data); }),
        },
        {
          label: `${WINDOW} in flight, ${fmt(nWin, 0)} msgs`, target: 0.8,
          raw: () => measureThroughput(rawSub, nWin, () => windowed(nWin, WINDOW, () => raw.publishAsync(RAW_TOPIC, rawPayload, { qos: 1 }))),
          sdk: () => measureThroughput(typedSub, nWin, () => windowed(nWin, WINDOW, () => publishSttFinal(bus, data))),
        },
      ];
      for (const c of cases) {
        const res = await alternate(ctx.pairs, c.raw, c.sdk, { log: ctx.log, label: `typed ${c.label}`, show });
        const rr = res.raw.map((t) => t.rate);
        const sr = res.sdk.map((t) => t.rate);
        const cmp = medianRatio(sr, rr);
        rows.push({
          bench: 'typed', case: c.label, unit: 'msg/s', raw: median(rr), sdk: median(sr), cmp, cmpKind: 'ratio',
          target: `>= ${c.target}x`, pass: Number.isNaN(cmp) ? false : cmp >= c.target, samples: { raw: rr, sdk: sr },
          note: `publishSttFinal/subscribeSttFinal from ${TYPED_MODULE.replace(/\.js$/, '.ts')}`,
        });
      }
    } finally {
      await raw.endAsync().catch(() => {});
      await rawSub.terminate();
      await typedSub.terminate();
      await bus.close({ timeoutMs: 1000 }).catch(() => {});
    }
    return rows;
  },
};
