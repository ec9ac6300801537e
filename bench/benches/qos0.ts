/**
 * qos0: QoS 0 throughput, publisher → Mosquitto → subscriber (worker thread).
 * raw: MQTT.js publishing a pre-serialised equivalent Envelope (same size), subscriber JSON.parse only.
 * sdk: client.publish(sttFinal descriptor with qos 0, data) = validate + envelope + stringify; subscriber
 *      client.subscribe(...) = parse + envelope/type/data validation + routing (+ dedupe if on by default).
 * Awaited (each publish awaited) and fire-and-forget (none awaited; wait for the subscriber's count).
 * Plus a zero-loss burst (100k fire-and-forget, received/sent).
 */
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript, envelopeJson } from '../support/channels.js';
import { loadSdk, type SdkBusClient } from '../support/sdk.js';
import { alternate, medianRatio } from '../support/pairs.js';
import { median, fmt } from '../support/stats.js';
import { RAW_TOPIC, type Throughput, fireAndForget, measureThroughput, rawPublisher, sdkClient, subscriberWorker } from '../support/pubsub.js';
import type { BenchWorker } from '../support/worker.js';

const noop = (): void => {};

export const qos0Bench: Bench = {
  name: 'qos0',
  description: 'QoS 0 throughput raw vs SDK (awaited, fire-and-forget) + zero-loss burst',
  async run(ctx: BenchContext): Promise<Row[]> {
    const n = ctx.quick ? 10_000 : 40_000;
    // fire-and-forget stays at 20k: with a callback per publish MQTT.js adds one 'drain' listener per
    // publish while the socket buffer is full, and removing them is quadratic (100k take ~40 s)
    const nFf = ctx.quick ? 10_000 : 20_000;
    const burst = ctx.quick ? 20_000 : 100_000;
    const sdkMod = await loadSdk();
    const ch = await loadChannels();
    const desc = { ...ch.sttFinal, qos: 0 as const };
    const data = sampleFinalTranscript();
    const rawPayload = Buffer.from(envelopeJson(data));

    const raw: MqttClient = await rawPublisher(ctx.url);
    const rawSub: BenchWorker = await subscriberWorker('raw', ctx.url, 0);
    let sdk: SdkBusClient | null = null;
    let sdkSub: BenchWorker | null = null;
    const rows: Row[] = [];
    try {
      if (sdkMod) {
        sdk = await sdkClient(ctx.url);
        sdkSub = await subscriberWorker('sdk', ctx.url, 0);
      }
      const rawAwait = () => measureThroughput(rawSub, n, async () => {
        for (let i = 0; i < n; i++) await raw.publishAsync(RAW_TOPIC, rawPayload, { qos: 0 });
      });
      const rawFf = () => measureThroughput(rawSub, nFf, async () => {
        for (let i = 0; i < nFf; i++) raw.publish(RAW_TOPIC, rawPayload, { qos: 0 });
      });
      const sdkAwait = () => measureThroughput(sdkSub!, n, async () => {
        for (let i = 0; i < n; i++) await sdk!.publish(desc, data);
      });
      const sdkFf = () => measureThroughput(sdkSub!, nFf, () => fireAndForget(nFf, () => sdk!.publish(desc, data)));

      const show = (t: { rate: number; received: number } | null) => (!t ? '-' : Number.isNaN(t.rate) ? `lost ${t.received}` : fmt(t.rate) + '/s');
      const rawFfCb = () => measureThroughput(rawSub, nFf, async () => {
        for (let i = 0; i < nFf; i++) raw.publish(RAW_TOPIC, rawPayload, { qos: 0 }, noop);
      });
      const toRawDesc = { ...desc, address: RAW_TOPIC };
      const sdkPubRawSub = () => measureThroughput(rawSub, nFf, () => fireAndForget(nFf, () => sdk!.publish(toRawDesc, data)));
      const rawPubSdkSub = () => measureThroughput(sdkSub!, nFf, async () => {
        for (let i = 0; i < nFf; i++) raw.publish(desc.address, rawPayload, { qos: 0 });
      });
      const diag = !ctx.quick || process.env.BENCH_DIAG === '1';
      const cases: { label: string; n: number; target: number | null; r: () => Promise<Throughput>; s: () => Promise<Throughput> }[] = [
        { label: 'awaited', n, target: 0.9, r: rawAwait, s: sdkAwait },
        { label: 'fire-and-forget', n: nFf, target: 0.8, r: rawFf, s: sdkFf },
        ...(diag
          ? [
              { label: 'f&f diag: sdk = raw pub + callback', n: nFf, target: null, r: rawFf, s: rawFfCb },
              { label: 'f&f diag: sdk = SDK pub → raw sub', n: nFf, target: null, r: rawFf, s: sdkPubRawSub },
              { label: 'f&f diag: sdk = raw pub → SDK sub', n: nFf, target: null, r: rawFf, s: rawPubSdkSub },
            ]
          : []),
      ];
      for (const { label, n: count, r, s: sdkSide, target } of cases) {
        if (!sdk) {
          if (target === null) continue;
          const res = await alternate(ctx.pairs, r, async () => null, { log: ctx.log, label: `qos0 ${label}`, show });
          rows.push({ bench: 'qos0', case: `${label}, ${fmt(count, 0)} msgs`, unit: 'msg/s', raw: median(res.raw.map((t) => t!.rate)), target: `>= ${target}x`, pass: null, note: 'sdk: runtime not available yet' });
          continue;
        }
        const res = await alternate(ctx.pairs, r, sdkSide, { log: ctx.log, label: `qos0 ${label}`, show });
        const rr = res.raw.map((t) => t.rate);
        const sr = res.sdk.map((t) => t.rate);
        const cmp = medianRatio(sr, rr);
        rows.push({
          bench: 'qos0', case: target === null ? label : `${label}, ${fmt(count, 0)} msgs`, unit: 'msg/s', raw: median(rr), sdk: median(sr),
          cmp, cmpKind: 'ratio', target: target === null ? 'info' : `>= ${target}x`, pass: target === null ? null : Number.isNaN(cmp) ? false : cmp >= target,
          samples: { raw: rr, sdk: sr },
          ...(sr.some(Number.isNaN) || rr.some(Number.isNaN) ? { note: 'loss in some runs (NaN rate)' } : {}),
        });
      }

      // zero-loss burst: one run each, fire-and-forget, then wait until the subscriber is idle
      const lossRun = async (sub: BenchWorker, pub: () => Promise<unknown>) => {
        const t = await measureThroughput(sub, burst, pub, 90_000);
        return t;
      };
      const rb = await lossRun(rawSub, async () => { for (let i = 0; i < burst; i++) raw.publish(RAW_TOPIC, rawPayload, { qos: 0 }); });
      const sb = sdk ? await lossRun(sdkSub!, () => fireAndForget(burst, () => sdk!.publish(desc, data))) : null;
      rows.push({
        bench: 'qos0', case: `zero-loss burst ${fmt(burst, 0)} (recv/sent)`, unit: 'msgs',
        raw: rb.received, sdk: sb?.received,
        target: '= sent', pass: sb ? sb.received === burst && rb.received === burst : null,
        note: `raw ${rb.received}/${burst} in ${rb.seconds.toFixed(2)} s; sdk ${sb ? `${sb.received}/${burst} in ${sb.seconds.toFixed(2)} s` : 'n/a'}`,
      });
    } finally {
      await raw.endAsync().catch(() => {});
      await rawSub.terminate();
      await sdkSub?.terminate();
      await sdk?.close({ timeoutMs: 1000 }).catch(() => {});
    }
    return rows;
  },
};
