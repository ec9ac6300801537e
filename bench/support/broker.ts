/**
 * The benches' private Mosquitto: the shared test harness (test/harness/mosquitto.ts) on a free loopback
 * port, never the system broker on 1883. Its config already has `set_tcp_nodelay true` (without it QoS 1
 * batches and the first message after a reconnect stall on Nagle's algorithm, see DESIGN.md) and lifts the
 * queue/in-flight limits (max_queued_messages 1000000, max_inflight_messages 0), so the broker never drops
 * what a slow client has not read yet: the zero-loss check measures the clients. Persistence is off.
 */
import { connect as tcpConnect } from 'node:net';
import { startBroker, mosquittoBinary } from '../../test/harness/mosquitto.js';

export interface BenchBroker {
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  readonly bin: string;
  /** Stop the broker process; resolves when it has exited. */
  stop(): Promise<void>;
  /** Start it again on the same port; resolves when the port accepts TCP connections. */
  start(): Promise<void>;
}

export async function startBenchBroker(): Promise<BenchBroker> {
  const bin = mosquittoBinary();
  if (!bin) throw new Error('mosquitto not installed (scripts/ensure-mosquitto.sh)');
  const h = await startBroker({ kind: 'mosquitto', persistence: false, stopGraceMs: 2000 });
  process.once('exit', () => { void h.dispose(); });
  return {
    get port() { return h.port; },
    get url() { return h.url; },
    get pid() { return h.pid; },
    bin,
    stop: () => h.stop(),
    start: () => h.start(),
  };
}

/** One TCP connect attempt; true when the port accepted. */
function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => { s.destroy(); resolve(false); });
  });
}

/** Poll the port every ~1 ms until it accepts; returns the hrtime (ns) of the first successful connect. */
export async function waitForPort(port: number, timeoutMs = 10000): Promise<bigint> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await tryConnect(port)) return process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error(`port ${port} did not accept TCP within ${timeoutMs} ms`);
}
