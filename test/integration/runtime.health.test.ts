/**
 * Health and heartbeat against a real Mosquitto: `ready` on connect, `shutdown` on graceful close, the Last
 * Will left by a SIGKILLed process (all retained, QoS 1, ok per event), and the bare QoS 0 heartbeat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from './support/descriptors.js';
import { ClientPool } from './support/sdk.js';
import { healthOf, rawClient, sleep, waitFor, within, type RawObserver, type Received } from './support/util.js';

let broker: BrokerHandle;
const pool = new ClientPool();
const raws: RawObserver[] = [];
const children: ChildProcess[] = [];
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = fileURLToPath(new URL('./support/health-child.ts', import.meta.url));

beforeAll(async () => {
  broker = await startBroker();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  await pool.closeAll();
  await Promise.all(raws.map((r) => r.end()));
  await broker?.dispose();
});

async function raw(): Promise<RawObserver> {
  const r = await rawClient(broker.url);
  raws.push(r);
  return r;
}

/** A fresh subscriber reads the retained health message of `clientId`. */
async function retainedHealth(clientId: string): Promise<Received> {
  const late = await raw();
  await late.subscribe(`system/health/${clientId}`, 1);
  const m = await waitFor(() => late.messages[0], `retained health of ${clientId}`);
  await late.end();
  return m;
}

function expectEnvelope(m: Received): void {
  const env = m.json() as Record<string, unknown>;
  expect(Object.keys(env).sort()).toEqual(['data', 'id', 'source', 'ts', 'type']);
  expect(typeof env.type).toBe('string');
}

describe('health', () => {
  it('connect publishes retained ok=true `ready`; graceful close publishes retained ok=false `shutdown`', async () => {
    const id = `hc-${runId()}`;
    const live = await raw();
    await live.subscribe(`system/health/${id}`, 1);
    const { client } = await pool.connect({ url: broker.url, clientId: id, enableHealth: true });
    const ready = await waitFor(() => live.messages[0], 'ready at a live subscriber');
    expect(healthOf(ready.json())).toMatchObject({ ok: true, event: 'ready', enveloped: true });
    expect(ready.qos).toBe(1);
    expectEnvelope(ready);

    const kept = await retainedHealth(id);
    expect(kept.retain).toBe(true);
    expect(healthOf(kept.json())).toMatchObject({ ok: true, event: 'ready' });

    await client.close();
    const bye = await waitFor(() => live.messages.find((m) => healthOf(m.json()).ok === false), 'shutdown at the live subscriber');
    expect(healthOf(bye.json())).toMatchObject({ ok: false, event: 'shutdown', enveloped: true });
    expectEnvelope(bye);

    const keptBye = await retainedHealth(id);
    expect(keptBye.retain).toBe(true);
    expect(keptBye.qos).toBe(1);
    expect(healthOf(keptBye.json())).toMatchObject({ ok: false, event: 'shutdown' });
    // a graceful close must not ALSO fire the Last Will afterwards
    await sleep(200);
    const final = await retainedHealth(id);
    expect(healthOf(final.json())).toMatchObject({ ok: false, event: 'shutdown' });
  });

  it('Last Will: a SIGKILLed process leaves a retained ok=false health message behind', async () => {
    const id = `will-${runId()}`;
    const live = await raw();
    await live.subscribe(`system/health/${id}`, 1);

    const child = spawn(process.execPath, ['--import', 'tsx', childScript], {
      cwd: repoRoot,
      env: { ...process.env, ITEST_URL: broker.url, ITEST_CLIENT_ID: id },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, sig) => resolve(`code ${code} signal ${sig}`)));

    const readyLine = await within(
      Promise.race([
        waitFor(() => /READY (\d+)/.exec(out), 'READY line from the child', 20_000),
        exited.then((how) => {
          throw new Error(`health child exited early (${how}): ${err}`);
        }),
      ]),
      25_000,
      'health child to connect',
    );
    const pid = Number(readyLine[1]);
    expect(pid).toBe(child.pid);
    const ready = await waitFor(() => live.messages.find((m) => healthOf(m.json()).ok === true), 'ready from the child');
    expect(healthOf(ready.json()).event).toBe('ready');

    process.kill(pid, 'SIGKILL');
    expect(await exited).toContain('SIGKILL');

    const will = await waitFor(() => live.messages.find((m) => healthOf(m.json()).ok === false), 'Last Will at the live subscriber', 15_000);
    expect(healthOf(will.json()).enveloped).toBe(true);
    expectEnvelope(will);

    const kept = await retainedHealth(id);
    expect(kept.retain).toBe(true);
    expect(kept.qos).toBe(1);
    expect(healthOf(kept.json()).ok).toBe(false);
  });

  it('after a broker restart the client republishes ok=true health (retained), whatever the broker did with the will', async () => {
    const id = `hr-${runId()}`;
    const { client, statuses } = await pool.connect({ url: broker.url, clientId: id, enableHealth: true });
    expect(healthOf((await retainedHealth(id)).json())).toMatchObject({ ok: true, event: 'ready' });
    await broker.restart();
    await waitFor(() => statuses.some((s) => s.type === 'connected' && s.reconnect), 'reconnected', 15_000);
    const live = await raw();
    await live.subscribe(`system/health/${id}`, 1);
    // the retained copy right after the restart may be the old `ready` or a will; the client's own
    // republish must end up as the retained state
    await waitFor(() => live.messages.some((m) => healthOf(m.json()).event === 'reconnected') || false, 'reconnected health', 10_000).catch(() => {});
    const kept = await retainedHealth(id);
    const h = healthOf(kept.json());
    expect(h.ok).toBe(true);
    expect(['reconnected', 'ready']).toContain(h.event);
    await client.close();
  });

  it('heartbeat: bare {ok:true, event:"heartbeat", timestamp} on system/keepalive/<client_id> at QoS 0, not retained, at the interval', async () => {
    const id = `hb-${runId()}`;
    const obs = await raw();
    await obs.subscribe(`system/keepalive/${id}`, 2); // subscribe at 2: the received QoS is the publisher's
    const { client } = await pool.connect({ url: broker.url, clientId: id, enableHeartbeat: true, heartbeatInterval: 0.2 });
    await waitFor(() => obs.messages.length >= 4, '4 heartbeats', 15_000);
    const times: number[] = [];
    for (const m of obs.messages.slice(0, 4)) {
      expect(m.topic).toBe(`system/keepalive/${id}`);
      expect(m.qos).toBe(0);
      expect(m.retain).toBe(false);
      const hb = m.json() as Record<string, unknown>;
      expect(Object.keys(hb).sort()).toEqual(['event', 'ok', 'timestamp']);
      expect(hb.ok).toBe(true);
      expect(hb.event).toBe('heartbeat');
      expect(typeof hb.timestamp).toBe('number');
      expect(Math.abs((hb.timestamp as number) - Date.now() / 1000)).toBeLessThan(600); // Unix seconds
      times.push(hb.timestamp as number);
    }
    // timestamps advance; and the heartbeat is a timer, not a loop (gaps are not far below the interval)
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    const gaps = times.slice(1).map((t, i) => t - times[i]!).sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]!).toBeGreaterThan(0.1);

    await client.close();
    await sleep(100); // one sent just before close may still be on its way
    const n = obs.messages.length;
    await sleep(600);
    expect(obs.messages.length).toBe(n); // stops after close
    // not retained at the broker
    const late = await raw();
    await late.subscribe(`system/keepalive/${id}`, 1);
    await sleep(150);
    expect(late.messages).toHaveLength(0);
  });

  it('no health and no heartbeat when both are disabled', async () => {
    const id = `quiet-${runId()}`;
    const obs = await raw();
    await obs.subscribe(`system/+/${id}`, 1);
    const { client } = await pool.connect({ url: broker.url, clientId: id, enableHealth: false, enableHeartbeat: false, heartbeatInterval: 0.2 });
    await sleep(500);
    await client.close();
    await sleep(200);
    expect(obs.messages).toHaveLength(0);
  });
});
