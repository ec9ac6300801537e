/** Micro-benchmark helper for pure CPU paths: ops/s over a fixed iteration count, repeated. */
import { median } from './stats.js';

/** Runs fn(i) `iterations` times per repetition; returns ops/s per repetition (after one warm-up rep). */
export function opsPerSec(fn: (i: number) => unknown, iterations: number, reps: number): number[] {
  const out: number[] = [];
  let sink = 0;
  for (let r = 0; r <= reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (fn(i)) sink++;
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r > 0) out.push(iterations / s);
  }
  if (sink === -1) console.log(sink); // keep the results alive
  return out;
}

export const medianOps = (fn: (i: number) => unknown, iterations: number, reps: number): { median: number; samples: number[] } => {
  const samples = opsPerSec(fn, iterations, reps);
  return { median: median(samples), samples };
};
