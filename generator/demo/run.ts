/**
 * The TARS pipeline demo: five services on one bus, every hop typed and validated by the contract.
 *
 *   stt ──stt/final──▶ router ──llm/request──▶ llm ──llm/stream (3 deltas + done)──▶ router
 *                             ◀──llm/response──      router ──tts/say──▶ tts ──tts/status──▶ router
 *   monitor ◀── system/health/+ , system/keepalive/+
 *
 * Then one invalid inbound message (stt/final with confidence 7, sent raw) is rejected by the router's
 * subscription, and one invalid outbound publish (tts/say with a number as text) is refused before the wire.
 * Runs on an embedded broker (aedes, via the test kit) unless a URL is given or MQTT_URL is set.
 */
import { performance } from 'node:perf_hooks';
import { newEnvelopeId, type BusClient } from '@tars-contracts/runtime';
import { startTestBroker, type TestBroker } from '@tars-contracts/testing';
// The contract's connect(): the runtime's, with the TARS health and heartbeat channels as defaults.
import { connect } from 'tars-contracts';
import * as bus from './calls.js';

export interface DemoOptions {
  /** Broker URL; default MQTT_URL, else an embedded broker. */
  url?: string;
  /** Where the report goes (default process.stdout). */
  out?: NodeJS.WritableStream;
  /** Deadline for each stage of the pipeline (default 10 000 ms). */
  stageTimeoutMs?: number;
}

type Stat = { service: string; topic: string; what: string; latencies: number[] };

const silentLogger = {
  level: 'silent',
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return silentLogger;
  },
};

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const quote = (s: string | null | undefined, max = 40) => {
  const t = s ?? '';
  return JSON.stringify(t.length > max ? `${t.slice(0, max - 1)}…` : t);
};

export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const stageMs = options.stageTimeoutMs ?? 10_000;
  const print = (line = '') => out.write(`${line}\n`);
  const url = options.url ?? process.env.MQTT_URL;
  const embedded = !url;

  // ---- output: one line per hop, stats for the summary --------------------------------------------------
  const stats = new Map<string, Stat>();
  const hop = (service: string, topic: string, what: string, latencyMs?: number, kind = what.split(' ')[0] ?? what) => {
    // Whole milliseconds come from a publisher timestamp (ms resolution), fractions from this process's clock.
    const lat = latencyMs === undefined ? '' : Number.isInteger(latencyMs) ? `  (~${latencyMs} ms)` : `  (${latencyMs.toFixed(latencyMs < 10 ? 2 : 1)} ms)`;
    print(`  ${service.padEnd(13)} ${topic.padEnd(28)} →  ${what}${lat}`);
    const key = `${service}|${topic}|${kind}`;
    let s = stats.get(key);
    if (!s) stats.set(key, (s = { service, topic, what: kind, latencies: [] }));
    if (latencyMs !== undefined) s.latencies.push(latencyMs);
    else s.latencies.push(Number.NaN);
  };

  // Latency: every payload the demo publishes gets a message_id whose send time is remembered (all services
  // run in this process); messages from the runtime itself (health, heartbeat) fall back to their timestamp.
  const sentAt = new Map<string, number>();
  const stamp = <T extends object>(data: T): T => {
    const message_id = newEnvelopeId();
    sentAt.set(message_id, performance.now());
    return { ...data, message_id };
  };
  const latency = (data: unknown, envelope: { ts: number } | null): number | undefined => {
    const id = (data as { message_id?: unknown } | null)?.message_id;
    const t0 = typeof id === 'string' ? sentAt.get(id) : undefined;
    if (t0 !== undefined) return performance.now() - t0;
    const ts = envelope?.ts ?? (data as { timestamp?: unknown } | null)?.timestamp;
    return typeof ts === 'number' ? Math.max(0, Math.round(Date.now() - ts * 1000)) : undefined;
  };

  const checks: { name: string; ok: boolean; detail?: string }[] = [];
  const check = (name: string, ok: boolean, detail?: string) => checks.push({ name, ok, ...(detail ? { detail } : {}) });

  let broker: TestBroker | undefined;
  const clients: BusClient[] = [];
  let exitCode = 1;
  const t0 = performance.now();

  try {
    if (embedded) broker = await startTestBroker();
    const brokerUrl = broker?.url ?? url!;
    const prefix = embedded ? 'tars' : 'demo';
    const ids = { stt: `${prefix}-stt`, router: `${prefix}-router`, llm: `${prefix}-llm`, tts: `${prefix}-tts`, monitor: `${prefix}-monitor` };
    const services = [ids.stt, ids.router, ids.llm, ids.tts];
    print(`TARS contract demo: ${embedded ? 'embedded broker' : 'broker'} ${broker ? broker.url : url!.replace(/\/\/[^@/]*@/, '//***@')}`);
    print();
    print(`  ${'service'.padEnd(13)} ${'topic'.padEnd(28)} →  what  (latency)`);
    print(`  ${'-'.repeat(13)} ${'-'.repeat(28)}    ${'-'.repeat(40)}`);

    const open = async (clientId: string, service: boolean): Promise<BusClient> => {
      const client = await connect({
        url: brokerUrl,
        clientId,
        sourceName: clientId,
        enableHealth: service,
        enableHeartbeat: service,
        heartbeatInterval: 1,
        reconnectMinDelay: 0.05,
        reconnectMaxDelay: 1,
        connectTimeoutMs: 5000,
        logger: silentLogger as never,
      });
      clients.push(client);
      return client;
    };

    // ---- monitor: health and heartbeat of every demo service --------------------------------------------
    const monitor = await open(ids.monitor, false);
    const healthSeen = new Map<string, { ok: boolean; event: string | null | undefined }[]>();
    const beats = new Map<string, number>();
    const allHealthy = deferred();
    const allBeating = deferred();
    const allShutdown = deferred();
    const shutDown = new Set<string>();
    let closing = false;
    await bus.subscribeSystemHealth(monitor, { client_id: '+' }, (data, envelope, meta) => {
      const who = meta.params.client_id;
      if (!services.includes(who)) return; // other clients on a shared broker
      const list = healthSeen.get(who) ?? [];
      list.push({ ok: data.ok, event: data.event });
      healthSeen.set(who, list);
      hop('monitor', meta.topic, `health ok=${data.ok} event=${data.event ?? '-'}${meta.retain ? ' (retained)' : ''}`, latency(data, envelope), 'health');
      if (services.every((s) => healthSeen.get(s)?.some((h) => h.ok))) allHealthy.resolve();
      // Only what arrives after the services start closing counts (a shared broker may hold stale retained ones).
      if (closing && !data.ok) shutDown.add(who);
      if (services.every((s) => shutDown.has(s))) allShutdown.resolve();
    });
    await bus.subscribeSystemKeepalive(monitor, { client_id: '+' }, (data, _envelope, meta) => {
      const who = meta.params.client_id;
      if (!services.includes(who)) return;
      beats.set(who, (beats.get(who) ?? 0) + 1);
      hop('monitor', meta.topic, `heartbeat ok=${data.ok}`, latency(data, null), 'heartbeat');
      if (services.every((s) => (beats.get(s) ?? 0) > 0)) allBeating.resolve();
    });
    let ttsSayOnWire = 0;
    await bus.countRaw(monitor, bus.topics.ttsSay, () => ttsSayOnWire++);

    const [stt, router, llm, tts] = await Promise.all(services.map((id) => open(id, true))) as [BusClient, BusClient, BusClient, BusClient];

    // ---- tts stub: speak, report speaking_start / speaking_end ------------------------------------------
    await bus.subscribeTtsSay(tts, async (data, envelope) => {
      hop(ids.tts, bus.topics.ttsSay, `speak ${quote(data.text)}`, latency(data, envelope), 'speak');
      const status = { text: data.text, utt_id: data.utt_id ?? null, wake_ack: data.wake_ack ?? null, system_announce: data.system_announce ?? null };
      await bus.publishTtsStatus(tts, stamp({ ...status, event: 'speaking_start', timestamp: Date.now() / 1000 }));
      await sleep(15); // "speaking"
      await bus.publishTtsStatus(tts, stamp({ ...status, event: 'speaking_end', timestamp: Date.now() / 1000 }));
    });

    // ---- llm stub: 3 deltas, a closing delta, then the response (Envelope id = the request's) -------------
    const words = ['It is ', 'three ', "o'clock."];
    await bus.subscribeLlmRequest(llm, async (data, envelope) => {
      hop(ids.llm, bus.topics.llmRequest, `request ${data.id} ${quote(data.text)}`, latency(data, envelope), 'request');
      const correlate = envelope ? { correlate: envelope.id } : undefined;
      for (const [i, delta] of words.entries()) {
        await bus.publishLlmStream(llm, stamp({ id: data.id, seq: i + 1, delta, done: false }), correlate);
      }
      await bus.publishLlmStream(llm, stamp({ id: data.id, seq: words.length + 1, delta: null, done: true }), correlate);
      await bus.publishLlmResponse(
        llm,
        stamp({ id: data.id, reply: words.join(''), error: null, provider: 'stub', model: 'demo-llm', tokens: {} }),
        correlate,
      );
    });

    // ---- router: stt/final → llm (stream + request) → tts/say; watches tts/status -------------------------
    const spoken = deferred<string>();
    const rejected = deferred<{ path: string; rule: string; message: string; reason: string }>();
    const routerErrors: Error[] = [];
    let deltasSeen = 0;
    let streamDone = false;
    await bus.subscribeTtsStatus(router, (data, envelope) => {
      hop(ids.router, bus.topics.ttsStatus, `${data.event} utt ${data.utt_id ?? '-'}`, latency(data, envelope), data.event);
      if (data.event === 'speaking_end' && data.utt_id) spoken.resolve(data.utt_id);
    });
    await bus.subscribeSttFinal(
      router,
      async (data, envelope) => {
        hop(ids.router, bus.topics.sttFinal, `transcript ${quote(data.text)} conf=${data.confidence ?? '-'}`, latency(data, envelope), 'transcript');
        if (!data.text.trim()) return;
        try {
          const id = data.utt_id ?? `rt-${newEnvelopeId().slice(0, 8)}`;
          const stream = await bus.openLlmStream(router, id, { timeoutMs: stageMs }); // subscribed before the request leaves
          const streaming = (async () => {
            for await (const { data: d, envelope: e } of stream) {
              deltasSeen++;
              if (d.done) streamDone = true;
              hop(ids.router, bus.topics.llmStream, d.done ? `done seq=${d.seq}` : `delta seq=${d.seq} ${quote(d.delta)}`, latency(d, e), 'delta');
            }
          })();
          const started = performance.now();
          hop(ids.router, bus.topics.llmRequest, `request ${id} ${quote(data.text)}`, undefined, 'request');
          const reply = await bus.requestLlm(router, stamp({ id, text: data.text, stream: true }), { timeoutMs: stageMs });
          await streaming;
          hop(ids.router, bus.topics.llmResponse, `reply ${quote(reply.data.reply)} (request→reply ${(performance.now() - started).toFixed(1)} ms)`, latency(reply.data, reply.envelope), 'reply');
          const text = reply.data.reply ?? reply.data.error ?? '';
          await bus.publishTtsSay(router, stamp({ text, utt_id: id, voice: 'TARS', lang: 'en', style: 'neutral', stt_ts: data.ts ?? null }));
          hop(ids.router, bus.topics.ttsSay, `say ${quote(text)}`, undefined, 'say');
        } catch (err) {
          routerErrors.push(err as Error);
          hop(ids.router, bus.topics.sttFinal, `FAILED ${(err as Error).message}`, undefined, 'failed');
        }
      },
      {
        onInvalid: (invalid) => {
          const first = invalid.errors[0];
          const path = first?.path ?? '';
          const rule = first?.rule ?? invalid.reason;
          const message = first?.message ?? invalid.reason;
          hop(ids.router, invalid.topic, `REJECTED inbound (${invalid.reason}): ${path || '(root)'} ${message} [${rule}]`, undefined, 'rejected');
          rejected.resolve({ path, rule, message, reason: invalid.reason });
        },
      },
    );

    // ---- 1. the pipeline ----------------------------------------------------------------------------------
    const utterance = 'what time is it';
    await bus.publishSttFinal(stt, stamp({ text: utterance, lang: 'en', confidence: 0.93, utt_id: null, ts: Date.now() / 1000, is_final: true }));
    hop(ids.stt, bus.topics.sttFinal, `publish ${quote(utterance)}`, undefined, 'publish');
    const spokenId = await within(spoken.promise, stageMs, 'tts speaking_end').catch((e: Error) => e);
    check('stt/final → router → llm/request → llm/stream + llm/response → tts/say → tts/status', typeof spokenId === 'string' && routerErrors.length === 0,
      typeof spokenId === 'string' ? (routerErrors[0]?.message ?? undefined) : spokenId.message);
    check(`llm/stream: ${words.length} deltas + done, in order, via the iterator`, deltasSeen === words.length + 1 && streamDone, `${deltasSeen} received`);

    // ---- 2. an invalid inbound message (raw publish, bypassing validation) ---------------------------------
    const bad = { id: newEnvelopeId(), type: 'stt.final', ts: Date.now() / 1000, source: ids.stt, data: { text: 'hello', confidence: 7 } };
    await bus.publishRaw(stt, bus.topics.sttFinal, bad);
    hop(ids.stt, bus.topics.sttFinal, 'publishRaw {"text":"hello","confidence":7} (invalid on purpose)', undefined, 'publishRaw');
    const reason = await within(rejected.promise, stageMs, 'the rejection of the invalid stt/final').catch((e: Error) => e);
    check('invalid inbound stt/final rejected before the handler (path + rule)', !(reason instanceof Error) && /confidence/.test(reason.path),
      reason instanceof Error ? reason.message : `${reason.path} [${reason.rule}]`);

    // ---- 3. an invalid outbound publish is refused before the wire ---------------------------------------
    const wireBefore = ttsSayOnWire;
    try {
      await bus.publishTtsSay(router, { text: 42 } as unknown as bus.TtsSay);
      hop(ids.router, bus.topics.ttsSay, 'ERROR: invalid publish was accepted', undefined, 'refused');
      check('invalid outbound tts/say refused before the wire', false, 'publish resolved');
    } catch (err) {
      const e = err as Error & { code?: string; errors?: readonly { path: string; message: string; rule: string }[] };
      const first = e.errors?.[0];
      hop(ids.router, bus.topics.ttsSay, `REFUSED outbound, not sent: ${e.name}${first ? ` ${first.path || '(root)'} ${first.message} [${first.rule}]` : `: ${e.message}`}`, undefined, 'refused');
      await sleep(100);
      check('invalid outbound tts/say refused before the wire', e.code === 'VALIDATION_FAILED' && ttsSayOnWire === wireBefore,
        `${e.code ?? e.name}; tts/say on the wire: ${ttsSayOnWire}`);
    }

    // ---- 4. health and heartbeat ---------------------------------------------------------------------------
    const healthy = await within(allHealthy.promise, stageMs, 'health ok of every service').then(() => true, () => false);
    check(`health: system/health/{client_id} ok=true from ${services.length} services`, healthy,
      `${[...healthSeen.keys()].length} reported`);
    const beating = await within(allBeating.promise, stageMs, 'a heartbeat of every service').then(() => true, () => false);
    check(`heartbeat: system/keepalive/{client_id} from ${services.length} services`, beating, `${beats.size} beating`);

    // ---- 5. shutdown: services publish health ok=false, the monitor sees it ------------------------------
    closing = true;
    await Promise.all([stt, router, llm, tts].map((c) => c.close()));
    const shutdownSeen = await within(allShutdown.promise, 2000, 'shutdown health').then(() => true, () => false);
    check('graceful close publishes health ok=false (shutdown)', shutdownSeen);

    exitCode = checks.every((c) => c.ok) ? 0 : 1;
  } catch (err) {
    print(`\ndemo failed: ${(err as Error).stack ?? String(err)}`);
    exitCode = 1;
  } finally {
    await Promise.allSettled(clients.map((c) => c.close({ timeoutMs: 2000 })));
    await broker?.close();
  }

  // ---- summary -------------------------------------------------------------------------------------------
  const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(2));
  print();
  print('Summary');
  print(`  ${'service'.padEnd(13)} ${'topic'.padEnd(28)} ${'what'.padEnd(14)} ${'count'.padStart(5)} ${'p50 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  for (const s of stats.values()) {
    const lat = s.latencies.filter((n) => !Number.isNaN(n)).sort((a, b) => a - b);
    const p50 = lat.length ? lat[Math.floor((lat.length - 1) / 2)] : undefined;
    print(`  ${s.service.padEnd(13)} ${s.topic.padEnd(28)} ${s.what.padEnd(14)} ${String(s.latencies.length).padStart(5)} ${fmt(p50).padStart(8)} ${fmt(lat.at(-1)).padStart(8)}`);
  }
  print();
  for (const c of checks) print(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}${c.detail && !c.ok ? `: ${c.detail}` : ''}`);
  print();
  print(`${exitCode === 0 ? 'PASS' : 'FAIL'}: ${checks.filter((c) => c.ok).length}/${checks.length} checks in ${(performance.now() - t0).toFixed(0)} ms`);
  return exitCode;
}
