/**
 * Username/password (Mosquitto password file made in the test) and TLS (CA + server cert made with openssl
 * in the test), against one broker with a plain and a TLS listener. Also: the password never reaches a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type BusClient } from '../../runtime/index.js';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { readingQ1, runId, type Reading } from './support/descriptors.js';
import { ClientPool, codeOf, rejectionOf } from './support/sdk.js';
import { captureLogger, sleep, waitFor } from './support/util.js';

const USER = 'tars-svc';
const PASSWORD = 'p@ss:w/rd%Zq7-hunter2'; // characters that need percent-encoding in a URL
const enc = encodeURIComponent;

let broker: BrokerHandle;
const pool = new ClientPool();

beforeAll(async () => {
  broker = await startBroker({ users: { [USER]: PASSWORD }, tls: true });
});
afterAll(async () => {
  await pool.closeAll();
  await broker?.dispose();
});

function urlWith(user: string, pass: string, base = broker.url): string {
  return base.replace('://', `://${enc(user)}:${enc(pass)}@`);
}

async function roundTrip(client: BusClient): Promise<void> {
  const run = runId();
  const got: Reading[] = [];
  const sub = await client.subscribe(readingQ1, (d) => {
    got.push(d);
  }, { params: { run } });
  await client.publish(readingQ1, { n: 9 }, { params: { run } });
  await waitFor(() => got.length >= 1, 'round trip');
  expect(got[0]).toEqual({ n: 9 });
  await sub.unsubscribe();
}

describe('username / password', () => {
  it('the right password (percent-encoded in the URL) connects and round-trips', async () => {
    const { client } = await pool.connect({ url: urlWith(USER, PASSWORD), clientId: `auth-ok-${runId()}` });
    expect(client.connected).toBe(true);
    await roundTrip(client);
  });

  it('no credentials are refused (anonymous is off): NOT_AUTHORIZED', async () => {
    const err = await rejectionOf(connect({ url: broker.url, clientId: `anon-${runId()}`, connectTimeoutMs: 3_000, logger: captureLogger() }));
    expect(codeOf(err) === 'NOT_AUTHORIZED' || codeOf((err as { cause?: unknown }).cause) === 'NOT_AUTHORIZED', `${err.name}: ${err.message}`).toBe(true);
  });

  it('a wrong password is reported as NOT_AUTHORIZED, retried only with backoff, and not after connect() gave up', async () => {
    const clientId = `auth-bad-${runId()}`;
    const logger = captureLogger();
    // Mosquitto 2.0 logs a refused CONNECT as "Client <unknown> disconnected, not authorised." (no client id)
    const attempts = () => broker.countLog(/not authori[sz]ed/i);
    const before = attempts();
    const err = await rejectionOf(connect({
      url: urlWith(USER, 'wrong-password'), clientId, connectTimeoutMs: 2_000,
      reconnectMinDelay: 0.2, reconnectMaxDelay: 1, logger,
    }));
    expect(codeOf(err) === 'NOT_AUTHORIZED' || codeOf((err as { cause?: unknown }).cause) === 'NOT_AUTHORIZED', `${err.name}: ${err.message}`).toBe(true);
    expect(err.message).not.toContain('wrong-password');
    const atReject = attempts();
    expect(atReject - before).toBeGreaterThanOrEqual(1); // it did try
    // with a 0.2 s minimum backoff over a 2 s connect timeout, a handful of attempts at most (a tight loop makes hundreds)
    expect(atReject - before).toBeLessThanOrEqual(15);
    await sleep(1_000);
    expect(attempts() - atReject, 'attempts after connect() rejected').toBeLessThanOrEqual(1);
    expect(logger.lines.join('\n')).not.toContain('wrong-password');
  });

  it('credentials refused on RECONNECT (password rotated at the broker): error reported, retried with backoff, recovers', async () => {
    const logger = captureLogger();
    const { client, statuses } = await pool.connect({
      url: urlWith(USER, PASSWORD), clientId: `rot-${runId()}`, logger, reconnectMinDelay: 0.1, reconnectMaxDelay: 0.4,
    });
    const attempts = () => broker.countLog(/not authori[sz]ed/i);
    try {
      broker.setUsers({ [USER]: 'rotated-elsewhere' });
      await broker.restart();
      const base = attempts();
      await waitFor(() => attempts() > base, 'a refused reconnect attempt', 10_000);
      const first = attempts();
      await sleep(1_500);
      const during = attempts() - first;
      const closed = statuses.find((s) => s.type === 'closed');
      if (closed) {
        // a runtime may give up on bad credentials; then it must say why
        expect(JSON.stringify(closed)).toMatch(/NOT_AUTHORI|authori/i);
      } else {
        // keeps trying, but paced by the backoff (0.1..0.4 s): a few attempts in 1.5 s, not a tight loop
        expect(during, 'refused attempts in 1.5 s').toBeGreaterThanOrEqual(1);
        expect(during, 'refused attempts in 1.5 s').toBeLessThanOrEqual(20);
      }
      const errs = statuses.filter((s) => s.type === 'error') as { type: 'error'; error: Error }[];
      expect(errs.some((s) => codeOf(s.error) === 'NOT_AUTHORIZED'), `status errors: ${errs.map((s) => s.error.message).join('; ')}`).toBe(true);
    } finally {
      broker.setUsers({ [USER]: PASSWORD });
      await broker.restart();
    }
    if (!statuses.some((s) => s.type === 'closed')) {
      const n = statuses.length;
      await waitFor(() => statuses.slice(n).some((s) => s.type === 'connected') || client.connected, 'recovery after the password is restored', 10_000);
      await roundTrip(client);
    }
    expect(logger.lines.join('\n')).not.toContain('hunter2');
  });

  it('the password never appears in log lines (connect, reconnect after a broker restart, close) nor in client fields', async () => {
    const logger = captureLogger();
    const { client, statuses } = await pool.connect({ url: urlWith(USER, PASSWORD), clientId: `redact-${runId()}`, logger, enableHealth: true });
    await roundTrip(client);
    await broker.restart();
    await waitFor(() => statuses.some((s) => s.type === 'connected' && s.reconnect), 'reconnect after restart', 15_000);
    await roundTrip(client);
    await client.close();
    const text = logger.lines.join('\n');
    expect(logger.lines.length, 'the runtime logs through the given logger').toBeGreaterThan(0);
    for (const needle of [PASSWORD, enc(PASSWORD), 'hunter2']) expect(text).not.toContain(needle);
    expect(JSON.stringify(statuses)).not.toContain('hunter2');
    expect(JSON.stringify(client.stats())).not.toContain('hunter2');
  });
});

describe('TLS', () => {
  it('mqtts://localhost with the test CA connects and round-trips', async () => {
    const { client } = await pool.connect({
      url: urlWith(USER, PASSWORD, broker.tlsUrl!), clientId: `tls-ok-${runId()}`, tls: { ca: broker.certs!.ca },
    });
    expect(client.connected).toBe(true);
    await roundTrip(client);
  });

  it('the CA can be a Buffer', async () => {
    const { client } = await pool.connect({
      url: urlWith(USER, PASSWORD, broker.tlsUrl!), clientId: `tls-buf-${runId()}`, tls: { ca: Buffer.from(broker.certs!.ca) },
    });
    await roundTrip(client);
  });

  it('without the CA the TLS connection fails (certificate not trusted) and connect() rejects', async () => {
    const err = await rejectionOf(connect({
      url: urlWith(USER, PASSWORD, broker.tlsUrl!), clientId: `tls-noca-${runId()}`, connectTimeoutMs: 1_500,
      reconnectMinDelay: 0.2, reconnectMaxDelay: 0.5, logger: captureLogger(),
    }));
    expect(err).toBeInstanceOf(Error);
    const chain = [err, (err as { cause?: unknown }).cause].map((e) => `${(e as Error | undefined)?.message ?? ''} ${(e as { code?: string } | undefined)?.code ?? ''}`).join(' ');
    expect(chain).toMatch(/certificate|self[- ]signed|CERT|issuer|CONNECT_TIMEOUT/i);
    expect(err.message).not.toContain('hunter2');
  });
});
