/**
 * SDK client factory for the integration tests: fast reconnect, a capturing logger, and cleanup in afterAll.
 */
import { lifecycle } from '../../../generated/channels.js';
import { connect, type BusClient, type ConnectOptions, type StatusEvent } from '../../../runtime/index.js';
import { captureLogger, type CapturedLogger } from './util.js';

export interface TestClient {
  client: BusClient;
  statuses: StatusEvent[];
  logger: CapturedLogger;
}

export class ClientPool {
  private readonly clients = new Set<BusClient>();

  /** connect() with test defaults (reconnect 50-500 ms, health/heartbeat off but on the TARS contract's channels
   *  when turned on, capturing logger). */
  async connect(opts: ConnectOptions): Promise<TestClient> {
    const logger = (opts.logger as CapturedLogger | undefined) ?? captureLogger();
    const client = await connect({
      reconnectMinDelay: 0.05,
      reconnectMaxDelay: 0.5,
      enableHealth: false,
      enableHeartbeat: false,
      connectTimeoutMs: 10_000,
      health: lifecycle.health,
      heartbeat: lifecycle.heartbeat,
      ...opts,
      logger: logger as NonNullable<ConnectOptions['logger']>,
    });
    this.clients.add(client);
    const statuses: StatusEvent[] = [];
    client.on('status', (s) => statuses.push(s));
    return { client, statuses, logger };
  }

  track(client: BusClient): BusClient {
    this.clients.add(client);
    return client;
  }

  async closeAll(): Promise<void> {
    const all = [...this.clients];
    this.clients.clear();
    await Promise.allSettled(all.map((c) => c.close({ timeoutMs: 2_000 })));
  }
}

/** The error's stable code (the runtime's typed errors carry `code`; prefer it over instanceof). */
export function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Settles `p` and returns the rejection reason (throws if it resolved). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
