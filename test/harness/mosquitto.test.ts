/**
 * Self-test of the real-broker harness (raw MQTT.js only, no runtime): ports, restart on the same port,
 * persistence of a QoS 1 session queue across stop()/start(), auth, TLS, the TCP proxy, and the CI rule.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createBroker, startBroker, stopAllBrokers, type BrokerHandle } from './mosquitto.js';
import { startProxy } from './proxy.js';

const clients: MqttClient[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.endAsync(true)));
  await stopAllBrokers();
});

async function client(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 50, connectTimeout: 5_000, ...opts });
  clients.push(c);
  return c;
}

const until = async (pred: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('test harness', () => {
  it('starts on a free loopback port (never 1883), restarts on the same port, stops by PID', async () => {
    const b: BrokerHandle = await startBroker();
    expect(b.port).not.toBe(1883);
    expect(b.url).toBe(`mqtt://127.0.0.1:${b.port}`);
    expect(b.running).toBe(true);
    if (process.env.CI) expect(b.kind).toBe('mosquitto');
    const c = await client(b.url);
    const pid1 = b.pid;
    await b.restart();
    expect(b.running).toBe(true);
    if (b.kind === 'mosquitto') {
      expect(b.pid).not.toBe(pid1);
      expect(running(pid1!)).toBe(false);
    }
    await until(() => c.connected, 'raw client reconnects after restart');
    const pid2 = b.pid;
    await b.dispose();
    expect(b.running).toBe(false);
    if (pid2 !== undefined) expect(running(pid2)).toBe(false);
    await b.dispose(); // idempotent
  });

  it('keeps a persistent session queue (QoS 1) across stop()/start()', async () => {
    const b = await startBroker({ persistence: true });
    expect(b.persistent).toBe(true);
    const got: string[] = [];
    const sub = await client(b.url, { clientId: 'harness-persist', clean: false });
    await sub.subscribeAsync('h/q', { qos: 1 });
    await sub.endAsync();
    const pub = await client(b.url);
    await pub.publishAsync('h/q', 'before-restart', { qos: 1 });
    await b.restart();
    await until(() => pub.connected, 'publisher reconnected');
    await pub.publishAsync('h/q', 'after-restart', { qos: 1 });
    const sub2 = mqtt.connect(b.url, { clientId: 'harness-persist', clean: false, reconnectPeriod: 50 });
    clients.push(sub2);
    sub2.on('message', (_t, p) => got.push(p.toString()));
    await until(() => got.length >= 2, 'queued messages delivered to the returning session');
    expect(got).toEqual(['before-restart', 'after-restart']);
    await b.dispose();
  });

  it('auth: password file users only; TLS listener with the generated CA', async () => {
    const b = await startBroker({ users: { u1: 'pw one' }, tls: true });
    expect(b.tlsUrl).toBe(`mqtts://localhost:${b.tlsPort}`);
    await client(b.url, { username: 'u1', password: 'pw one' });
    await expect(mqtt.connectAsync(b.url, { username: 'u1', password: 'nope', reconnectPeriod: 0 })).rejects.toThrow(/authori/i);
    // Mosquitto sends the refusing CONNACK before its log line reaches the file.
    await until(() => b.countLog(/not authori[sz]ed/) >= 1, 'the refusal in the broker log');
    await client(b.tlsUrl!, { username: 'u1', password: 'pw one', ca: b.certs!.ca });
    await expect(mqtt.connectAsync(b.tlsUrl!, { username: 'u1', password: 'pw one', reconnectPeriod: 0 })).rejects.toThrow(/certificate|self.signed|issuer/i);
    await b.dispose();
  });

  it('createBroker() reserves a port without starting; the proxy cuts and restores a path', async () => {
    const b = await createBroker();
    expect(b.running).toBe(false);
    await b.start();
    const proxy = await startProxy(b.port);
    const c = await client(proxy.url);
    await proxy.cut();
    await until(() => !c.connected, 'client sees the cut');
    await proxy.restore();
    await until(() => c.connected, 'client back through the proxy');
    expect(proxy.connections).toBeGreaterThanOrEqual(2);
    await proxy.close();
    await b.dispose();
  });

  it('refuses port 1883 and, with CI set, the aedes fallback', async () => {
    await expect(createBroker({ port: 1883 })).rejects.toThrow(/1883/);
    const saved = process.env.CI;
    process.env.CI = 'true';
    try {
      await expect(createBroker({ kind: 'aedes' })).rejects.toThrow(/CI/);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});
