import type { BenchBroker } from './broker.js';

/** One line of the results table. */
export interface Row {
  bench: string;
  case: string;
  /** unit of raw/sdk, e.g. 'msg/s', 'µs', 'ops/s', 'ms', 'B' */
  unit: string;
  /** median absolute figure of the raw MQTT.js side (or the only figure when there is no comparison) */
  raw?: number;
  /** median absolute figure of the SDK side */
  sdk?: number;
  /** median of per-pair SDK/raw ratios ('ratio') or SDK−raw differences ('delta', in `unit`) */
  cmp?: number;
  cmpKind?: 'ratio' | 'delta';
  target?: string;
  /** target met? null when there is no target or it could not be judged */
  pass?: boolean | null;
  note?: string;
  /** set when the row could not run; printed instead of figures */
  skipped?: string;
  /** raw samples for the JSON file */
  samples?: Record<string, unknown>;
}

export interface BenchContext {
  broker: BenchBroker;
  url: string;
  pairs: number;
  quick: boolean;
  log(msg: string): void;
}

export interface Bench {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<Row[]>;
}
