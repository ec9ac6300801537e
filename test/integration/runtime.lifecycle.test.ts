/**
 * Lifecycle against a real Mosquitto: connect() waits for a broker that starts late, rejects with
 * CONNECT_TIMEOUT when none comes; close() is idempotent, closed() resolves, and a closed client refuses work.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type StatusEvent } from '../../runtime/index.js';
import { createBroker, freePort, startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { readingQ1, runId, type Reading } from './support/descriptors.js';
import { ClientPool, codeOf, rejectionOf } from './support/sdk.js';
import { captureLogger, rawClient, sleep, waitFor, within } from './support/util.js';

const pool = new ClientPool();
const brokers: BrokerHandle[] = [];

afterAll(async () => {
  await pool.closeAll();
  await Promise.all(brokers.map((b) => b.dispose()));
});

describe('connect()', () => {
  it('waits for a broker that starts 500 ms after connect() was called', async () => {
    const broker = await createBroker(); // port reserved and config written, not started
    brokers.push(broker);
    const pending = connect({
      url: broker.url, clientId: `late-${runId()}`, connectTimeoutMs: 15_000,
      reconnectMinDelay: 0.05, reconnectMaxDelay: 0.2, logger: captureLogger(),
    });
    let settled = false;
    pending.then(() => (settled = true), () => (settled = true));
    await sleep(500);
    expect(settled).toBe(false);
    await broker.start();
    const client = pool.track(await within(pending, 15_000, 'connect() after the broker came up'));
    expect(client.connected).toBe(true);
    const run = runId();
    const got: Reading[] = [];
    await client.subscribe(readingQ1, (d) => {
      got.push(d);
    }, { params: { run } });
    await client.publish(readingQ1, { n: 1 }, { params: { run } });
    await waitFor(() => got.length === 1, 'round trip after a late start');
  });

  it('rejects with CONNECT_TIMEOUT (redacted URL, no password) when no broker ever comes', async () => {
    const port = await freePort(); // nothing listens here
    const logger = captureLogger();
    const err = await rejectionOf(connect({
      url: `mqtt://svc:hunter2-secret@127.0.0.1:${port}`, clientId: `never-${runId()}`, connectTimeoutMs: 600,
      reconnectMinDelay: 0.05, reconnectMaxDelay: 0.2, logger,
    }));
    expect(codeOf(err), `${err.name}: ${err.message}`).toBe('CONNECT_TIMEOUT');
    expect(err.name).toBe('ConnectTimeoutError');
    expect(err.message).toContain(String(port));
    expect(err.message).not.toContain('hunter2');
    expect(logger.lines.join('\n')).not.toContain('hunter2');
    // it gave up: a broker that appears now must not see this client
    const broker = await createBroker({ port });
    brokers.push(broker);
    await broker.start();
    await sleep(600);
    expect(broker.countLog(/New client connected/)).toBe(0);
  });
});

describe('close()', () => {
  it('is idempotent, resolves closed() with kind "closed", emits one closed status, and refuses later work', async () => {
    const broker = await startBroker();
    brokers.push(broker);
    const { client, statuses } = await pool.connect({ url: broker.url, clientId: `close-${runId()}` });
    const closedP = client.closed();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(await within(closedP, 5_000, 'closed()')).toEqual({ kind: 'closed' });
    expect(await within(client.closed(), 1_000, 'closed() after the fact')).toEqual({ kind: 'closed' });
    expect(client.connected).toBe(false);
    expect(statuses.filter((s: StatusEvent) => s.type === 'closed')).toEqual([{ type: 'closed', reason: { kind: 'closed' } }]);

    const perr = await rejectionOf(client.publish(readingQ1, { n: 1 }, { params: { run: 'x' } }));
    expect(codeOf(perr)).toBe('CLOSED');
    const serr = await rejectionOf(client.subscribe(readingQ1, () => {}));
    expect(codeOf(serr)).toBe('CLOSED');

    // it really left the broker: the client id is free and nothing reconnects
    await sleep(300);
    const disconnected = broker.countLog(/Client close-\S+ disconnected/);
    expect(disconnected).toBe(1);
  });

  it('waits for an in-flight handler (drain) before resolving', async () => {
    const broker = await startBroker();
    brokers.push(broker);
    const { client } = await pool.connect({ url: broker.url, clientId: `drain-${runId()}`, drainTimeoutMs: 5_000 });
    const run = runId();
    let finished = false;
    let started = false;
    await client.subscribe(readingQ1, async () => {
      started = true;
      await sleep(300);
      finished = true;
    }, { params: { run } });
    const pub = await rawClient(broker.url);
    await pub.publish(`itest/${run}/q1`, JSON.stringify({ id: 'd1', type: 'test.reading', data: { n: 1 } }), { qos: 1 });
    await pub.end();
    await waitFor(() => started, 'handler started');
    await client.close();
    expect(finished).toBe(true);
  });
});

describe('close() against a broker that stops acknowledging', () => {
  it('closes the socket after the DISCONNECT step times out, and rejects the unacknowledged publish with CLOSED', async () => {
    // A minimal broker: CONNACK, then silence (no PUBACK), like a stalled Mosquitto.
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      // The first bytes are the CONNECT: answer with CONNACK (accepted, no session), then read and ignore.
      s.once('data', () => s.write(Buffer.from([0x20, 0x02, 0x00, 0x00])));
      s.resume();
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const client = await connect({ url: `mqtt://127.0.0.1:${port}`, clientId: `stall-${runId()}`, logger: captureLogger(), publishTimeoutMs: 0 });
      const pending = client.publishRaw(`stall/${runId()}`, 'x', { qos: 1 });
      const outcome = rejectionOf(pending);
      await waitFor(() => sockets.size === 1, 'the connection');
      await client.close({ timeoutMs: 100 });
      expect(codeOf(await within(outcome, 2000, 'the publish to settle'))).toBe('CLOSED');
      await waitFor(() => sockets.size === 0, 'the client to close its socket', 2000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 15_000);
});
