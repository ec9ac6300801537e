/**
 * The mandatory method: raw MQTT.js (A) and the SDK (B) alternately, A B A B ..., after one discarded
 * warm-up pair; the result is the median of the per-pair ratios (throughput) or differences (latency),
 * plus each side's median absolute figure. Pairs of identical code vary ±15-20% on these machines, so a
 * single run proves nothing.
 */
import { median } from './stats.js';

export interface PairResult<T> {
  raw: T[];
  sdk: T[];
}

export async function alternate<T>(
  pairs: number,
  raw: () => Promise<T>,
  sdk: () => Promise<T>,
  opts: { warmup?: number; log?: (m: string) => void; label?: string; show?: (t: T) => string } = {},
): Promise<PairResult<T>> {
  const out: PairResult<T> = { raw: [], sdk: [] };
  const warm = opts.warmup ?? 1;
  for (let i = 0; i < warm + pairs; i++) {
    const a = await raw();
    const b = await sdk();
    if (i >= warm) {
      out.raw.push(a);
      out.sdk.push(b);
    }
    if (opts.log && opts.show) opts.log(`${opts.label ?? ''} pair ${i < warm ? 'warm-up' : i - warm + 1}: raw ${opts.show(a)}  sdk ${opts.show(b)}`);
  }
  return out;
}

export const medianRatio = (sdk: number[], raw: number[]): number => median(sdk.map((s, i) => s / raw[i]!));
export const medianDelta = (sdk: number[], raw: number[]): number => median(sdk.map((s, i) => s - raw[i]!));
