/**
 * share: share-group throughput. A raw MQTT.js publisher (main thread) publishes N QoS 1 messages with
 * WINDOW (100, as qos1) in flight to one topic; the subscribers count them:
 * - raw (baseline): ONE MQTT.js subscriber, protocolVersion 5, plain subscription to `raw/final`, JSON.parse
 *   per message, in a worker thread;
 * - sdk: a share group of 1, 2 or 3 members, each an SDK client (protocolVersion 5) in its own worker thread,
 *   `client.subscribe(sttFinal descriptor, handler, { group: 'bench' })` with default flow options, i.e.
 *   `$share/bench/stt/final`: Mosquitto gives each message to one member.
 * Throughput = distinct messages handled across the group per second, from the first publish until the
 * handler call that completed the set (its hrtime, stamped in the worker: one monotonic clock for all
 * threads). Each group size is its own row, alternated in pairs with the raw single subscriber
 * (support/pairs.ts); reported: median of the per-pair group/raw ratios.
 * Exactly once: every message carries its sequence number in the last 8 hex digits of its Envelope id (a
 * 32-hex id as in every other bench, so the payload has the same size as their sttFinal Envelope); the members
 * count each number in shared memory, and after each run (when no member got a message for DRAIN_IDLE_MS)
 * the bench counts duplicates (handled more than once) and missing (never handled). The note sums them over
 * every run, warm-up included, and gives how the broker split the messages between the members.
 * The machine has 2 cores and Mosquitto is single-threaded: more members need not mean more throughput.
 * BENCH_SHARE_RAW=1 adds `info` rows: raw MQTT.js members in a share group (`$share/bench/raw/share`) vs the
 * same raw single subscriber, to tell the broker's share-group cost from the SDK's.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { loadChannels, sampleFinalTranscript } from '../support/channels.js';
import { loadSdk } from '../support/sdk.js';
import { alternate, medianRatio } from '../support/pairs.js';
import { median, fmt, msSince, nowNs, sleep } from '../support/stats.js';
import { RAW_TOPIC, benchClientId, rawPublisher, windowed } from '../support/pubsub.js';
import { spawnWorker, type BenchWorker } from '../support/worker.js';
import { WINDOW } from './qos1.js';

export const SHARE_GROUP = 'bench';
const SIZES = [1, 2, 3] as const;
/** Same length as 'stt/final' and 'raw/final'; the raw share-group diagnostics only. */
const RAW_SHARE_TOPIC = 'raw/share';
const RAW_SHARE = process.env.BENCH_SHARE_RAW === '1';
/** After a run: how long every member must have been idle before the duplicate/missing count is read. */
const DRAIN_IDLE_MS = 100;

export interface GroupRun {
  /** Distinct messages per second; NaN when some never arrived (within the timeout). */
  rate: number;
  seconds: number;
  sent: number;
  distinct: number;
  duplicates: number;
  missing: number;
  /** Messages a member got while not armed or without a sequence number (should stay 0). */
  stray: number;
  /** Messages each member handled. */
  perMember: number[];
}

function shareWorker(mode: 'raw' | 'sdk', url: string, topic: string, group?: string): Promise<BenchWorker> {
  return spawnWorker(new URL('../support/share-worker.js', import.meta.url), {
    mode, url, topic, clientId: benchClientId(`share${mode}`), noDelay: true, ...(group ? { group } : {}),
  });
}

/**
 * N sttFinal Envelopes, serialised once before any run (not timed): the bytes of envelopeJson(data) except
 * that the last 8 of the 32 hex digits of the id are the message's sequence number.
 */
function sequencedEnvelopes(n: number, data: unknown): Buffer[] {
  const prefix = randomUUID().replaceAll('-', '').slice(0, 24);
  const ts = Date.now() / 1000;
  const out: Buffer[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Buffer.from(JSON.stringify({ id: prefix + i.toString(16).padStart(8, '0'), type: 'stt.final', ts, source: 'bench-pub', data }));
  }
  return out;
}

/** Arm every member, publish all payloads with WINDOW in flight, wait until the group handled each once. */
export async function measureGroup(
  members: readonly BenchWorker[],
  payloads: readonly Buffer[],
  publish: (payload: Buffer) => Promise<unknown>,
  timeoutMs = 60000,
): Promise<GroupRun> {
  const n = payloads.length;
  const seen = new SharedArrayBuffer(n);
  const state = new SharedArrayBuffer(16);
  const distinct = new Int32Array(state, 0, 1);
  const endAt = new BigInt64Array(state, 0, 2);
  await Promise.all(members.map((m) => m.call({ cmd: 'arm', n, seen, state })));
  let k = 0;
  const t0 = nowNs();
  await windowed(n, WINDOW, () => publish(payloads[k++]!));
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(endAt, 1) === 0n && Date.now() < deadline) await sleep(1);
  const end = Atomics.load(endAt, 1);
  const seconds = end !== 0n ? Number(end - t0) / 1e9 : msSince(t0) / 1000;
  const drained = await Promise.all(members.map((m) => m.call<{ count: number; stray: number }>({ cmd: 'drain', idleMs: DRAIN_IDLE_MS, maxMs: 10000 })));
  const counts = new Uint8Array(seen);
  let missing = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    if (c === 0) missing++;
    else if (c > 1) duplicates += c - 1;
  }
  return {
    rate: end !== 0n ? n / seconds : NaN, seconds, sent: n, distinct: Atomics.load(distinct, 0), duplicates, missing,
    stray: drained.reduce((s, d) => s + d.stray, 0), perMember: drained.map((d) => d.count),
  };
}

/** Sums over runs: handled-once check and how the broker split the messages. */
class Tally {
  runs = 0;
  sent = 0;
  duplicates = 0;
  missing = 0;
  stray = 0;
  perMember: number[] = [];
  add(r: GroupRun): GroupRun {
    this.runs++;
    this.sent += r.sent;
    this.duplicates += r.duplicates;
    this.missing += r.missing;
    this.stray += r.stray;
    r.perMember.forEach((c, i) => { this.perMember[i] = (this.perMember[i] ?? 0) + c; });
    return r;
  }
  get exact(): boolean { return this.duplicates === 0 && this.missing === 0 && this.stray === 0; }
  text(): string {
    const handled = this.perMember.reduce((a, b) => a + b, 0);
    const split = this.perMember.length > 1 ? `; split ${this.perMember.map((c) => ((100 * c) / Math.max(1, handled)).toFixed(1)).join('/')} %` : '';
    const stray = this.stray ? `, stray ${this.stray}` : '';
    return `${this.exact ? 'exactly once' : 'NOT exactly once'}: ${this.sent - this.missing}/${this.sent} handled over ${this.runs} runs, dup ${this.duplicates}, missing ${this.missing}${stray}${split}`;
  }
}

export const shareBench: Bench = {
  name: 'share',
  description: `share-group throughput (MQTT 5 $share, QoS 1, ${WINDOW} in flight): SDK group of 1/2/3 members vs one raw subscriber`,
  async run(ctx: BenchContext): Promise<Row[]> {
    if (!(await loadSdk())) return [{ bench: 'share', case: '(all)', unit: '', skipped: 'runtime not available yet' }];
    const n = ctx.quick ? 5_000 : 30_000;
    const ch = await loadChannels();
    const topic = ch.sttFinal.address;
    const payloads = sequencedEnvelopes(n, sampleFinalTranscript());
    const raw: MqttClient = await rawPublisher(ctx.url);
    const rawSub = await shareWorker('raw', ctx.url, RAW_TOPIC);
    const rows: Row[] = [];
    const show = (t: GroupRun) =>
      `${Number.isNaN(t.rate) ? `lost ${t.missing}` : fmt(t.rate) + '/s'}${t.duplicates ? ` dup ${t.duplicates}` : ''}${t.perMember.length > 1 ? ` [${t.perMember.join('/')}]` : ''}`;
    const rawRun = (tally: Tally) => () => measureGroup([rawSub], payloads, (p) => raw.publishAsync(RAW_TOPIC, p, { qos: 1 })).then((r) => tally.add(r));

    const groupRow = async (kind: 'sdk' | 'raw', size: number): Promise<void> => {
      const label = kind === 'sdk' ? `share group ${size} member${size > 1 ? 's' : ''}` : `raw share group ${size} member${size > 1 ? 's' : ''} (info)`;
      const memberTopic = kind === 'sdk' ? topic : RAW_SHARE_TOPIC;
      const members: BenchWorker[] = [];
      try {
        // Spawned one after another: each joins the group before the next (the order the broker's round robin starts from).
        for (let i = 0; i < size; i++) members.push(await shareWorker(kind, ctx.url, memberTopic, SHARE_GROUP));
        const rawTally = new Tally();
        const groupTally = new Tally();
        const res = await alternate(
          ctx.pairs,
          rawRun(rawTally),
          () => measureGroup(members, payloads, (p) => raw.publishAsync(memberTopic, p, { qos: 1 })).then((r) => groupTally.add(r)),
          { log: ctx.log, label: `share ${label}`, show },
        );
        const rr = res.raw.map((t) => t.rate);
        const sr = res.sdk.map((t) => t.rate);
        const cmp = medianRatio(sr, rr);
        rows.push({
          bench: 'share', case: label, unit: 'msg/s', raw: median(rr), sdk: median(sr), cmp, cmpKind: 'ratio',
          target: kind === 'sdk' ? 'report' : 'info', pass: kind === 'sdk' && !groupTally.exact ? false : null,
          note: `${fmt(n, 0)} msgs QoS 1, ${WINDOW} in flight; group ${groupTally.text()}; raw single sub ${rawTally.exact ? 'exactly once' : rawTally.text()}`,
          samples: { raw: res.raw, group: res.sdk },
        });
      } finally {
        for (const m of members) await m.terminate();
      }
    };

    try {
      for (const size of SIZES) {
        try {
          await groupRow('sdk', size);
        } catch (e) {
          rows.push({ bench: 'share', case: `share group ${size} member${size > 1 ? 's' : ''}`, unit: 'msg/s', skipped: `error: ${(e as Error).message.split('\n')[0]}` });
        }
      }
      if (RAW_SHARE) for (const size of SIZES) await groupRow('raw', size);
    } finally {
      await raw.endAsync().catch(() => {});
      await rawSub.terminate();
    }
    return rows;
  },
};
