/**
 * chaos - wrong credentials. At connect(): a clear NotAuthorizedError within 2 s, no retry after it. Refused on a
 * reconnect (the password rotated at the broker): every refusal is reported, retries follow the backoff (the
 * broker's count of refused CONNECTs matches the client's `reconnecting` events, each waited at least the minimum
 * delay), never a tight loop; the client recovers when the password is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type BusClient, type StatusEvent } from '../../runtime/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from '../integration/support/descriptors.js';
import { codeOf, rejectionOf } from '../integration/support/sdk.js';
import { captureLogger, sleep, waitFor } from '../integration/support/util.js';

const USER = 'svc';
const PASSWORD = 'right-pass-9';
let broker: BrokerHandle;
const clients: BusClient[] = [];
const url = (password: string) => `mqtt://${USER}:${password}@127.0.0.1:${broker.port}`;
// Mosquitto 2.0 logs a refused CONNECT as "Client <unknown> disconnected, not authorised."
const refusals = () => broker.countLog(/not authori[sz]ed/i);

beforeAll(async () => {
  broker = await startBroker({ users: { [USER]: PASSWORD } });
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close({ timeoutMs: 1_000 })));
  await broker?.dispose();
});

describe('chaos - wrong credentials', () => {
  it('connect(): NotAuthorizedError within 2 s, naming the broker without the password; no attempt after it', async () => {
    const before = refusals();
    const t0 = performance.now();
    const err = await rejectionOf(connect({ url: url('wrong-pass-1'), clientId: `cred-${runId()}`, connectTimeoutMs: 30_000, logger: captureLogger() }));
    const ms = performance.now() - t0;
    expect(codeOf(err)).toBe('NOT_AUTHORIZED');
    expect(err.name).toBe('NotAuthorizedError');
    expect(err.message).toMatch(/refused the connection: (bad user name or password|not authorized)/);
    expect(err.message).toContain(`svc:***@127.0.0.1:${broker.port}`);
    expect(err.message).not.toContain('wrong-pass-1');
    expect(ms).toBeLessThan(2_000);
    const at = refusals();
    expect(at - before).toBe(1);
    await sleep(800);
    expect(refusals()).toBe(at);
  });

  it('refused on reconnect: retried on the backoff (refusals counted = reconnecting events), then recovers', async () => {
    const logger = captureLogger();
    const client = await connect({ url: url(PASSWORD), clientId: `cred-rot-${runId()}`, reconnectMinDelay: 0.2, reconnectMaxDelay: 0.8, logger });
    clients.push(client);
    const statuses: StatusEvent[] = [];
    client.on('status', (s) => statuses.push(s));
    try {
      broker.setUsers({ [USER]: 'rotated-elsewhere' });
      await broker.restart();
      const base = refusals();
      await waitFor(() => refusals() > base, 'a refused reconnect', 10_000);
      const from = refusals();
      const fromEvents = statuses.filter((s) => s.type === 'reconnecting').length;
      await sleep(3_000);
      const refused = refusals() - from;
      const reconnecting = statuses.filter((s) => s.type === 'reconnecting').slice(fromEvents) as Extract<StatusEvent, { type: 'reconnecting' }>[];
      // 3 s at 0.2..0.8 s per retry: between 3 and 16 attempts; a tight loop would make thousands
      expect(refused).toBeGreaterThanOrEqual(3);
      expect(refused).toBeLessThanOrEqual(16);
      expect(Math.abs(reconnecting.length - refused)).toBeLessThanOrEqual(1);
      for (const r of reconnecting) expect(r.delayMs).toBeGreaterThanOrEqual(200);
      const authErrors = statuses.filter((s) => s.type === 'error' && codeOf(s.error) === 'NOT_AUTHORIZED');
      expect(authErrors.length).toBeGreaterThanOrEqual(refused - 1);
      console.info(`credentials: ${refused} refused attempts in 3 s, delays ${reconnecting.map((r) => r.delayMs).join(', ')} ms`);
    } finally {
      broker.setUsers({ [USER]: PASSWORD });
      await broker.restart();
    }
    await waitFor(() => client.connected, 'recovery with the password back', 10_000);
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
  });
});
