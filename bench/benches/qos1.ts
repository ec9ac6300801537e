/**
 * qos1: QoS 1 throughput, sequential (await each PUBACK) and windowed (W in flight), raw vs SDK, with the
 * subscriber at QoS 1 in a worker thread. The SDK side uses the contract's sttFinal descriptor (QoS 1).
 */
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript, envelopeJson } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianRatio } from '../support/pairs.js';
import { median, fmt } from '../support/stats.js';
import { RAW_TOPIC, measureThroughput, rawPublisher, sdkClient, subscriberWorker, windowed } from '../support/pubsub.js';
import type { BenchWorker } from '../support/worker.js';

export const WINDOW = 100;

export const qos1Bench: Bench = {
  name: 'qos1',
  description: `QoS 1 throughput raw vs SDK, sequential and ${WINDOW} in flight`,
  async run(ctx: BenchContext): Promise<Row[]> {
    const nSeq = ctx.quick ? 2_000 : 5_000;
    const nWin = ctx.quick ? 5_000 : 20_000;
    const sdkMod = await loadSdk();
    const ch = await loadChannels();
    const desc = { ...ch.sttFinal, qos: 1 as const };
    const data = sampleFinalTranscript();
    const rawPayload = Buffer.from(envelopeJson(data));

    const raw: MqttClient = await rawPublisher(ctx.url);
    const rawSub: BenchWorker = await subscriberWorker('raw', ctx.url, 1);
    let sdk: SdkBusClient | null = null;
    let sdkSub: BenchWorker | null = null;
    const rows: Row[] = [];
    try {
      if (sdkMod) {
        sdk = await sdkClient(ctx.url);
        sdkSub = await subscriberWorker('sdk', ctx.url, 1);
      }
      const show = (t: { rate: number; received: number } | null) => (!t ? '-' : Number.isNaN(t.rate) ? `lost ${t.received}` : fmt(t.rate) + '/s');
      const cases = [
        {
          label: `sequential, ${fmt(nSeq, 0)} msgs`, target: 0.9,
          raw: () => measureThroughput(rawSub, nSeq, async () => { for (let i = 0; i < nSeq; i++) await raw.publishAsync(RAW_TOPIC, rawPayload, { qos: 1 }); }),
          sdk: () => measureThroughput(sdkSub!, nSeq, async () => { for (let i = 0; i < nSeq; i++) await sdk!.publish(desc, data); }),
        },
        {
          label: `${WINDOW} in flight, ${fmt(nWin, 0)} msgs`, target: 0.8,
          raw: () => measureThroughput(rawSub, nWin, () => windowed(nWin, WINDOW, () => raw.publishAsync(RAW_TOPIC, rawPayload, { qos: 1 }))),
          sdk: () => measureThroughput(sdkSub!, nWin, () => windowed(nWin, WINDOW, () => sdk!.publish(desc, data))),
        },
      ];
      for (const c of cases) {
        if (!sdk) {
          const res = await alternate(ctx.pairs, c.raw, async () => null, { log: ctx.log, label: `qos1 ${c.label}`, show });
          rows.push({ bench: 'qos1', case: c.label, unit: 'msg/s', raw: median(res.raw.map((t) => t!.rate)), target: `>= ${c.target}x`, pass: null, note: 'sdk: runtime not available yet' });
          continue;
        }
        const res = await alternate(ctx.pairs, c.raw, c.sdk, { log: ctx.log, label: `qos1 ${c.label}`, show });
        const rr = res.raw.map((t) => t.rate);
        const sr = res.sdk.map((t) => t.rate);
        const cmp = medianRatio(sr, rr);
        rows.push({
          bench: 'qos1', case: c.label, unit: 'msg/s', raw: median(rr), sdk: median(sr), cmp, cmpKind: 'ratio',
          target: `>= ${c.target}x`, pass: Number.isNaN(cmp) ? false : cmp >= c.target, samples: { raw: rr, sdk: sr },
        });
      }
    } finally {
      await raw.endAsync().catch(() => {});
      await rawSub.terminate();
      await sdkSub?.terminate();
      await sdk?.close({ timeoutMs: 1000 }).catch(() => {});
    }
    return rows;
  },
};
