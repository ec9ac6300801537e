/**
 * dedupe: memory of the runtime's Deduper holding 100k entries (heap used before/after, bytes per entry)
 * and ops/s of the key computation: the `seq` key (data.seq integer) and the hash key (sha1 of canonical
 * data), plus isDuplicate() on fresh keys at a full cache (the per-message cost on the receive path).
 */
import type { Bench, BenchContext, Row } from '../support/types.js';
import { importOptional, sampleFinalTranscript } from '../support/channels.js';
import { medianOps } from '../support/cpu.js';
import { median } from '../support/stats.js';

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createHash } from 'node:crypto';

/** A gc() without --expose-gc on the command line (npm run bench has no node flags). */
function getGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
const gc = getGc();

async function heapUsedSettled(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

export const dedupeBench: Bench = {
  name: 'dedupe',
  description: 'Deduper memory at 100k entries, dedupeKey ops/s (seq key, hash key)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rt = await importOptional<Record<string, any>>('runtime/index.js');
    if (!rt?.Deduper || !rt?.dedupeKey) return [{ bench: 'dedupe', case: '(all)', unit: '', skipped: 'runtime Deduper/dedupeKey not available' }];
    const { Deduper, dedupeKey } = rt as { Deduper: new (o: { ttlMs: number; maxEntries: number; now?: () => number }) => { isDuplicate(e: unknown): boolean; size: number; clear(): void }; dedupeKey: (e: unknown) => string };
    const rows: Row[] = [];
    const N = 100_000;

    // --- memory: 100k distinct Envelopes (stt/final-like data → hash keys; llm/stream-like → seq keys)
    const ids = Array.from({ length: N }, (_, i) => i.toString(16).padStart(32, '0'));
    const data = sampleFinalTranscript();
    const mem = async (label: string, mk: (i: number) => unknown) => {
      const samples: number[] = [];
      const reps = ctx.quick ? 1 : 3;
      for (let r = 0; r < reps; r++) {
        const envs = Array.from({ length: N }, (_, i) => mk(i));
        const before = await heapUsedSettled();
        const d = new Deduper({ ttlMs: 3_600_000, maxEntries: N });
        for (const e of envs) d.isDuplicate(e);
        const after = await heapUsedSettled();
        if (d.size !== N) throw new Error(`Deduper holds ${d.size}, expected ${N}`);
        samples.push((after - before) / N);
        d.clear();
      }
      rows.push({
        bench: 'dedupe', case: `memory, ${N / 1000}k entries, ${label}`, unit: 'B/entry', raw: median(samples), target: 'report',
        note: `≈ ${((median(samples) * N) / 1048576).toFixed(1)} MiB for ${N / 1000}k${gc ? '' : ' (no --expose-gc: rough)'}`, samples: { bytesPerEntry: samples },
      });
    };
    await mem('hash keys', (i) => ({ type: 'stt.final', id: ids[i]!, data }));
    await mem('seq keys', (i) => ({ type: 'llm.stream', id: ids[i >> 8]!, data: { id: 'rt-1', seq: i, delta: 'x', done: false } }));

    // --- key computation
    const iters = ctx.quick ? 100_000 : 500_000;
    const seqData = { message_id: ids[2]!, id: 'rt-12345678', seq: 42, delta: ' the', done: false, provider: 'openai', model: 'gpt-4o-mini' };
    const seqEnv = { type: 'llm.stream', id: ids[1]!, data: seqData };
    const hashEnv = { type: 'stt.final', id: ids[3]!, data };
    // vary seq and read the last char, so the key string is really built (flattened) as a Map lookup would
    const seq = medianOps((i) => { seqData.seq = i & 1023; const k = dedupeKey(seqEnv); return k.charCodeAt(k.length - 1); }, iters, ctx.pairs);
    rows.push({ bench: 'dedupe', case: 'dedupeKey, seq key (llm/stream)', unit: 'ops/s', raw: seq.median, target: 'report', samples: { opsPerSec: seq.samples } });
    const hash = medianOps(() => dedupeKey(hashEnv), Math.ceil(iters / 4), ctx.pairs);
    rows.push({ bench: 'dedupe', case: 'dedupeKey, hash key (stt/final data)', unit: 'ops/s', raw: hash.median, target: 'report', note: `${(1e6 / hash.median).toFixed(2)} µs/key`, samples: { opsPerSec: hash.samples } });
    // where the hash key's time goes
    const canon = rt.canonicalJson as ((v: unknown) => string) | undefined;
    if (canon) {
      const cj = medianOps(() => canon(data).length, Math.ceil(iters / 4), ctx.pairs);
      rows.push({ bench: 'dedupe', case: '  part: canonicalJson(data)', unit: 'ops/s', raw: cj.median, target: 'info', note: `${(1e6 / cj.median).toFixed(2)} µs`, samples: { opsPerSec: cj.samples } });
      const text = canon(data);
      const sh = medianOps(() => createHash('sha1').update(text).digest('base64').length, Math.ceil(iters / 4), ctx.pairs);
      rows.push({ bench: 'dedupe', case: '  part: sha1(text).digest(base64)', unit: 'ops/s', raw: sh.median, target: 'info', note: `${(1e6 / sh.median).toFixed(2)} µs`, samples: { opsPerSec: sh.samples } });
    }

    // --- isDuplicate at a full cache (evicting), distinct keys: the steady-state receive-path cost
    const d = new Deduper({ ttlMs: 3_600_000, maxEntries: 2048 });
    const envs = Array.from({ length: 4096 }, (_, i) => ({ type: 'stt.final', id: ids[i]!, data }));
    let k = 0;
    const full = medianOps(() => d.isDuplicate(envs[k++ & 4095]!), Math.ceil(iters / 4), ctx.pairs);
    rows.push({ bench: 'dedupe', case: 'isDuplicate, hash keys, full cache (2048)', unit: 'ops/s', raw: full.median, target: 'report', samples: { opsPerSec: full.samples } });
    return rows;
  },
};
