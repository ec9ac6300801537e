/**
 * Benchmarks: `npm run bench [-- name ...]` (names: generate validate qos0 qos1 latency reconnect dedupe
 * request typed hotpath share; none = all).
 *
 * Env: BENCH_PAIRS (default 5, min 1) raw/SDK pairs per measurement; BENCH_QUICK=1 for a ~30 s smoke run
 * (smaller counts, 3 pairs unless BENCH_PAIRS is set); BENCH_VERBOSE=1 prints every pair;
 * BENCH_SDK_NODELAY=1 gives the SDK's sockets TCP_NODELAY via mqttFactory (obsolete: the runtime sets it itself).
 * Prints a table on stdout and writes bench/.results/<timestamp>.json. Never asserts timings: the ok
 * column compares with the targets in the brief, it does not fail the run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startBenchBroker, type BenchBroker } from './support/broker.js';
import { mosquittoBinary } from '../test/harness/mosquitto.js';
import { loadChannels } from './support/channels.js';
import { loadSdk } from './support/sdk.js';
import { renderTable } from './support/table.js';
import type { Bench, BenchContext, Row } from './support/types.js';
import { generateBench } from './benches/generate.js';
import { validateBench } from './benches/validate.js';
import { qos0Bench } from './benches/qos0.js';
import { qos1Bench } from './benches/qos1.js';
import { latencyBench } from './benches/latency.js';
import { reconnectBench } from './benches/reconnect.js';
import { dedupeBench } from './benches/dedupe.js';
import { requestBench } from './benches/request.js';
import { typedBench } from './benches/typed.js';
import { hotpathBench } from './benches/hotpath.js';
import { shareBench } from './benches/share.js';

const ALL: Bench[] = [generateBench, validateBench, qos0Bench, qos1Bench, latencyBench, reconnectBench, dedupeBench, requestBench, typedBench, hotpathBench, shareBench];
const NEEDS_BROKER = new Set(['qos0', 'qos1', 'latency', 'reconnect', 'request', 'typed', 'share']);

/** Node prints each process warning; MQTT.js's per-publish 'drain' listeners (QoS 0 publishes with a
 *  callback while the socket buffer is full) trigger MaxListenersExceededWarning once per socket. Count
 *  them and print one summary line instead of a page of repeats. */
const warnings = new Map<string, number>();
process.removeAllListeners('warning');
process.on('warning', (w) => {
  const key = `${w.name}: ${w.message.replace(/\d+ /, 'N ').replace(/\. Use .*$/, '')}`;
  warnings.set(key, (warnings.get(key) ?? 0) + 1);
});

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(`usage: npm run bench [-- name ...]\nbenches:\n${ALL.map((b) => `  ${b.name.padEnd(10)} ${b.description}`).join('\n')}\nenv: BENCH_PAIRS=5 BENCH_QUICK=1 BENCH_VERBOSE=1\n`);
    return;
  }
  const unknown = args.filter((a) => !ALL.some((b) => b.name === a));
  if (unknown.length) {
    process.stderr.write(`unknown bench(es): ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(' ')}\n`);
    process.exitCode = 2;
    return;
  }
  const selected = args.length ? ALL.filter((b) => args.includes(b.name)) : ALL;
  const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';
  const pairs = Math.max(1, Number.parseInt(process.env.BENCH_PAIRS ?? '', 10) || (quick ? 3 : 5));
  const verbose = process.env.BENCH_VERBOSE === '1';
  const log = (m: string) => { if (verbose) process.stderr.write(`  ${m}\n`); };

  const started = new Date();
  const t0 = Date.now();
  let broker: BenchBroker | null = null;
  if (selected.some((b) => NEEDS_BROKER.has(b.name))) broker = await startBenchBroker();
  const [channels, sdk] = await Promise.all([loadChannels(), loadSdk()]);
  let mosqVersion = '';
  try { mosqVersion = execFileSync(mosquittoBinary() ?? 'mosquitto', ['-h'], { encoding: 'utf8' }).split('\n')[0] ?? ''; } catch (e) { mosqVersion = ((e as { stdout?: string }).stdout ?? '').split('\n')[0] ?? ''; }

  process.stderr.write(
    `bench: ${selected.map((b) => b.name).join(' ')} | pairs ${pairs}${quick ? ' (quick)' : ''} | broker ${broker ? broker.url + ' (' + mosqVersion + ', set_tcp_nodelay)' : 'none'} | channels: ${channels.source} | sdk: ${sdk ? 'runtime/index.ts' : 'missing'}${process.env.BENCH_SDK_NODELAY === '1' ? ' (+TCP_NODELAY experiment)' : ''}\n`,
  );

  const ctx: BenchContext = { broker: broker!, url: broker?.url ?? '', pairs, quick, log };
  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  for (const b of selected) {
    const tb = Date.now();
    process.stderr.write(`bench: ${b.name} ...\n`);
    try {
      rows.push(...(await b.run(ctx)));
    } catch (e) {
      rows.push({ bench: b.name, case: '(bench failed)', unit: '', skipped: `error: ${(e as Error).message.split('\n')[0]}` });
      if (verbose) process.stderr.write(`${(e as Error).stack}\n`);
    }
    timings[b.name] = (Date.now() - tb) / 1000;
    process.stderr.write(`bench: ${b.name} done in ${timings[b.name]!.toFixed(1)} s\n`);
  }
  await broker?.stop();

  for (const [w, n] of warnings) process.stderr.write(`bench: warning ×${n}: ${w}\n`);
  process.stdout.write(renderTable(rows) + '\n');
  process.stdout.write(`total ${((Date.now() - t0) / 1000).toFixed(1)} s; ratios are medians of per-pair SDK/raw, deltas medians of per-pair SDK−raw (${pairs} pairs after a warm-up pair)\n`);

  const dir = new URL('./.results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${started.toISOString().replace(/[:.]/g, '-')}.json`, dir);
  writeFileSync(
    file,
    JSON.stringify(
      {
        startedAt: started.toISOString(), node: process.version, pairs, quick, broker: mosqVersion,
        channels: channels.source, sdk: Boolean(sdk), sdkNoDelayExperiment: process.env.BENCH_SDK_NODELAY === '1', seconds: timings, warnings: Object.fromEntries(warnings), rows,
      },
      null, 2,
    ) + '\n',
  );
  process.stderr.write(`bench: results written to ${file.pathname}\n`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => { process.stderr.write(`bench: ${(e as Error).stack}\n`); process.exit(1); },
);
