import { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connect, isTarsError, type BusClient, type ConnectOptions, type InvalidMessage, type StatusEvent,
} from '../../../runtime/index.js';
import { lifecycle } from '../../../generated/channels.js';
import { bareSay, env, status, ttsSay, ttsSayLenient, type Say } from './descriptors.js';
import { captureLogger, FakeMqtt, fakeFactory } from './fake-mqtt.js';

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(2);
  }
}

/** `p`, or a rejection when it has not settled within `ms` (a promise that never settles fails the test). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`not settled within ${ms} ms`)))]);
}

const open: BusClient[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close({ timeoutMs: 100 })));
});

async function setup(opts: Partial<ConnectOptions> = {}) {
  const fake = new FakeMqtt();
  const cap = captureLogger();
  const client = await connect({
    url: 'mqtt://user:topsecret@broker:1883',
    clientId: 'unit',
    logger: cap.logger,
    mqttFactory: fakeFactory(fake),
    publishRetryDelayMs: 1,
    ...opts,
  });
  open.push(client);
  return { fake, client, lines: cap.lines };
}

describe('client - connect', () => {
  it('resolves once connected and passes the broker options to MQTT.js', async () => {
    const { fake, client } = await setup({ keepalive: 30, clean: false });
    expect(client.connected).toBe(true);
    expect(client.clientId).toBe('unit');
    expect(client.source).toBe('unit');
    expect(fake.options).toMatchObject({ hostname: 'broker', port: 1883, protocol: 'mqtt', username: 'user', password: 'topsecret', clientId: 'unit', keepalive: 30, clean: false, resubscribe: false });
    expect(fake.options.reconnectPeriod).toBe(500);
  });

  it('MQTT 3.1.1 by default; MQTT 5 with session expiry (persistent sessions) and receive maximum in CONNECT', async () => {
    const v4 = await setup({ clean: false });
    expect(v4.fake.options.protocolVersion).toBe(4);
    expect(v4.fake.options.properties).toBeUndefined();
    const v5 = await setup({ protocolVersion: 5, clean: false, receiveMaximum: 50 });
    expect(v5.fake.options).toMatchObject({ protocolVersion: 5, properties: { sessionExpiryInterval: 86_400, receiveMaximum: 50 } });
    const v5clean = await setup({ protocolVersion: 5, sessionExpirySeconds: 60 });
    expect(v5clean.fake.options.properties).toEqual({ sessionExpiryInterval: 60 });
    await expect(setup({ receiveMaximum: 10 })).rejects.toMatchObject({ code: 'CONFIG_INVALID', variable: 'receiveMaximum' });
  });

  it('a share group subscribes $share/<group>/<filter> and routes by the filter; bad group names are refused', async () => {
    const { fake, client } = await setup();
    const got: string[] = [];
    const sub = await client.subscribe(ttsSay, (d) => void got.push(d.text), { group: 'workers' });
    expect(sub.filter).toBe('$share/workers/tts/say');
    expect(fake.subscribed).toEqual(['$share/workers/tts/say']);
    fake.deliver('tts/say', env({ text: 'shared' }), 1);
    expect(got).toEqual(['shared']);
    for (const bad of ['', 'a/b', '+', '#']) {
      await expect(client.subscribe(ttsSay, () => {}, { group: bad })).rejects.toMatchObject({ code: 'INVALID_TOPIC' });
    }
    await sub.unsubscribe();
    expect(fake.unsubscribed).toEqual(['$share/workers/tts/say']);
  });

  it('enableHealth without a health channel, or with one whose model refuses what the runtime writes, fails connect()', async () => {
    await expect(setup({ enableHealth: true })).rejects.toMatchObject({ code: 'CONFIG_INVALID', variable: 'enableHealth' });
    const health = { channel: ttsSay, fields: { ok: '/ok' } } as unknown as NonNullable<ConnectOptions['health']>;
    await expect(setup({ enableHealth: true, health })).rejects.toThrow(/the ready message the runtime builds is invalid: \/text/);
  });

  it('rejects with ConnectTimeoutError when the broker never answers', async () => {
    const fake = new FakeMqtt();
    const t0 = Date.now();
    const err = await connect({ url: 'mqtt://u:pw1234@h', mqttFactory: fakeFactory(fake, false), connectTimeoutMs: 50, logger: captureLogger().logger }).catch((e: unknown) => e);
    expect(isTarsError(err, 'CONNECT_TIMEOUT')).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(String(err)).not.toContain('pw1234');
    expect(fake.ended).toBe(1);
  });

  it('fails fast with NotAuthorizedError on a CONNACK refusal', async () => {
    const fake = new FakeMqtt();
    const factory: ConnectOptions['mqttFactory'] = (o) => {
      fake.options = o;
      setImmediate(() => fake.emit('error', Object.assign(new Error('Connection refused: Bad username or password'), { code: 4 })));
      return fake;
    };
    const err = await connect({ url: 'mqtt://u:hunter22@h', mqttFactory: factory, connectTimeoutMs: 5000, logger: captureLogger().logger }).catch((e: unknown) => e);
    expect(isTarsError(err, 'NOT_AUTHORIZED')).toBe(true);
    expect((err as Error).message).toContain('bad user name or password');
    expect(String(err)).not.toContain('hunter22');
  });

  it('waits while the broker is down, with backoff delays set before each retry', async () => {
    const fake = new FakeMqtt();
    const statuses: StatusEvent[] = [];
    const p = connect({ url: 'mqtt://h', mqttFactory: fakeFactory(fake, false), reconnectMinDelay: 0.1, reconnectMaxDelay: 0.4, logger: captureLogger().logger });
    await tick();
    for (let i = 0; i < 6; i++) {
      fake.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
      fake.emit('close');
      expect(fake.options.reconnectPeriod).toBeGreaterThanOrEqual(100);
      expect(fake.options.reconnectPeriod).toBeLessThanOrEqual(400);
    }
    fake.connectNow();
    const client = await p;
    open.push(client);
    client.on('status', (s) => statuses.push(s));
    fake.drop();
    expect(statuses.map((s) => s.type)).toEqual(['disconnected', 'reconnecting']);
    expect(statuses[1]).toMatchObject({ attempt: 1, delayMs: 100 }); // reset after the successful connect
    fake.connectNow();
    expect(statuses.at(-1)).toEqual({ type: 'connected', reconnect: true });
    expect(client.stats().reconnects).toBe(1);
  });
});

describe('client - reconnect ordering', () => {
  it('resubscribes before sending what was published while offline', async () => {
    const { fake, client } = await setup({ offlineQueue: { qos0: true } });
    await client.subscribe(ttsSay, () => {});
    fake.drop();
    const p1 = client.publish(ttsSay, { text: 'offline-1' });
    const sub2 = client.subscribe(status, () => {});
    const p2 = client.publish(status, { text: 'offline-2' }, { params: { client_id: 'x' } });
    await tick();
    expect(fake.ops).toEqual(['sub:tts/say']);
    fake.connectNow();
    await Promise.all([p1, sub2, p2]);
    expect(fake.ops).toEqual(['sub:tts/say', 'sub:tts/say', 'sub:svc/status/+', 'pub:tts/say', 'pub:svc/status/x']);
  });

  it('keeps the broker subscriptions of a resumed persistent session', async () => {
    const { fake, client } = await setup({ clean: false });
    await client.subscribe(ttsSay, () => {});
    fake.drop();
    fake.connected = true;
    fake.emit('connect', { cmd: 'connack', sessionPresent: true, returnCode: 0 });
    await client.publish(ttsSay, { text: 'x' });
    expect(fake.ops).toEqual(['sub:tts/say', 'pub:tts/say']);
  });

  it('fails offline publishes after publishTimeoutMs', async () => {
    const { fake, client } = await setup({ publishTimeoutMs: 20, publishRetries: 0 });
    fake.drop();
    await expect(client.publish(ttsSay, { text: 'x' })).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('client - publish', () => {
  it('frames an Envelope with a 32-hex id, type, float ts, source and data', async () => {
    const { fake, client } = await setup({ sourceName: 'tts-worker' });
    const id = await client.publish(ttsSay, { text: 'hi', utt_id: 'u1' });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const sent = fake.sent.at(-1)!;
    expect(sent).toMatchObject({ topic: 'tts/say', qos: 1, retain: false });
    const wire = JSON.parse(sent.payload);
    expect(Object.keys(wire)).toEqual(['id', 'type', 'ts', 'source', 'data']);
    expect(wire).toMatchObject({ id, type: 'tts.say', source: 'tts-worker', data: { text: 'hi', utt_id: 'u1' } });
    expect(Math.abs(wire.ts - Date.now() / 1000)).toBeLessThan(5);
    expect(client.stats().published).toBe(1);
  });

  it('reuses a correlation id, fills parameters and uses the descriptor QoS/retain', async () => {
    const { fake, client } = await setup();
    const id = await client.publish(status, { text: 'x' }, { params: { client_id: 'tars-stt' }, correlate: 'corr-1' });
    expect(id).toBe('corr-1');
    expect(fake.sent.at(-1)).toMatchObject({ topic: 'svc/status/tars-stt', qos: 0, retain: true });
    expect(JSON.parse(fake.sent.at(-1)!.payload).id).toBe('corr-1');
  });

  it('sends bare channels without an Envelope and returns undefined', async () => {
    const { fake, client } = await setup();
    expect(await client.publish(bareSay, { text: 'b' })).toBeUndefined();
    expect(JSON.parse(fake.sent.at(-1)!.payload)).toEqual({ text: 'b' });
  });

  it('refuses invalid data before the wire with ValidationFailedError', async () => {
    const { fake, client } = await setup();
    const err = await client.publish(ttsSay, { text: 1 } as unknown as Say).catch((e: unknown) => e);
    expect(isTarsError(err, 'VALIDATION_FAILED')).toBe(true);
    expect(err).toMatchObject({ channel: 'ttsSay', topic: 'tts/say', path: '/text', rule: 'type' });
    expect(fake.sent).toHaveLength(0);
  });

  it.each([['a/b'], ['+'], ['#'], ['']])('refuses the parameter value %j', async (v) => {
    const { fake, client } = await setup();
    const err = await client.publish(status, { text: 'x' }, { params: { client_id: v } }).catch((e: unknown) => e);
    expect(isTarsError(err, 'INVALID_TOPIC')).toBe(true);
    expect(fake.sent).toHaveLength(0);
  });

  it('refuses payloads over maxPayloadBytes', async () => {
    const { fake, client } = await setup({ maxPayloadBytes: 200 });
    const err = await client.publish(ttsSay, { text: 'é'.repeat(100) }).catch((e: unknown) => e);
    expect(isTarsError(err, 'PAYLOAD_TOO_LARGE')).toBe(true);
    expect(err).toMatchObject({ limit: 200 });
    expect(fake.sent).toHaveLength(0);
    await expect(client.publishRaw('x/y', new Uint8Array(201), { qos: 0 })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('retries a failed publish, then rejects with PublishFailedError and logs with correlation ids', async () => {
    const { fake, client, lines } = await setup({ publishRetries: 2 });
    fake.failNext = { err: new Error('write EPIPE'), times: 5 };
    const err = await client.publish(ttsSay, { text: 'x', utt_id: 'utt-9' }, { correlate: 'c'.repeat(32) }).catch((e: unknown) => e);
    expect(isTarsError(err, 'PUBLISH_FAILED')).toBe(true);
    expect(err).toMatchObject({ attempts: 3, topic: 'tts/say' });
    expect(fake.sent).toHaveLength(3);
    const line = lines.find((l) => l.level === 'error' && l.msg === 'publish failed')!;
    expect(line.obj).toMatchObject({ envelope_id: 'c'.repeat(32), utt_id: 'utt-9', attempts: 3 });
  });

  it('succeeds when a retry succeeds', async () => {
    const { fake, client } = await setup({ publishRetries: 1 });
    fake.failNext = { err: new Error('boom'), times: 1 };
    await expect(client.publish(ttsSay, { text: 'x' })).resolves.toMatch(/^[0-9a-f]{32}$/);
    expect(fake.sent).toHaveLength(2);
  });

  it('times out a QoS 1 publish without PUBACK', async () => {
    const { fake, client } = await setup({ publishRetries: 0, publishTimeoutMs: 30 });
    fake.swallowAcks = true;
    await expect(client.publish(ttsSay, { text: 'x' })).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
  });

  it('publishRaw refuses wildcard topics', async () => {
    const { client } = await setup();
    await expect(client.publishRaw('a/+', 'x', { qos: 0 })).rejects.toMatchObject({ code: 'INVALID_TOPIC' });
    await expect(client.publishRaw('a/b', 'x', { qos: 1, retain: true })).resolves.toBeUndefined();
  });
});

describe('client - inbound pipeline', () => {
  async function sub(channel = ttsSay, opts: Partial<ConnectOptions> = {}) {
    const s = await setup(opts);
    const got: unknown[][] = [];
    const invalid: InvalidMessage[] = [];
    await s.client.subscribe(channel, (data, envelope, meta) => void got.push([data, envelope?.id ?? null, meta]), {
      onInvalid: (i) => void invalid.push(i),
    });
    return { ...s, got, invalid };
  }

  it('hands valid envelopes to the handler with data, envelope and meta', async () => {
    const { fake, got } = await sub();
    fake.deliver('tts/say', env({ text: 'ok' }), 1);
    expect(got).toEqual([[{ text: 'ok' }, 'a'.repeat(32), { topic: 'tts/say', channel: 'ttsSay', params: {}, qos: 1, retain: false }]]);
  });

  it.each([
    ['json', '{not json'],
    ['not-envelope', JSON.stringify({ text: 'bare' })],
    ['not-envelope', JSON.stringify([1, 2])],
    ['event-type', JSON.stringify(env({ text: 'x' }, { type: 'tts.other' }))],
    ['schema', JSON.stringify(env({ text: 5 }))],
    ['not-envelope', JSON.stringify(env({ text: 'x' }, { extra: 1 }))],
    ['not-envelope', JSON.stringify({ type: 'tts.say' })],
  ])('drops %s messages, counts, logs and calls onInvalid', async (reason, payload) => {
    const { fake, got, invalid, client, lines } = await sub();
    fake.deliver('tts/say', payload);
    expect(got).toHaveLength(0);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ topic: 'tts/say', channel: 'ttsSay', reason });
    expect(Buffer.from(invalid[0]!.payload).toString()).toBe(payload);
    expect(client.stats().invalid).toBe(1);
    const warn = lines.filter((l) => l.msg === 'dropped invalid message');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.obj).toMatchObject({ topic: 'tts/say', reason });
    expect(warn[0]!.obj).toHaveProperty('path');
  });

  it('reports the field path of a schema violation', async () => {
    const { fake, invalid } = await sub();
    fake.deliver('tts/say', env({ text: 5 }));
    expect(invalid[0]!.errors[0]).toMatchObject({ path: '/data/text', rule: 'type' });
  });

  it('drops oversized payloads as too-large', async () => {
    const { fake, invalid } = await sub(ttsSay, { maxPayloadBytes: 50 });
    fake.deliver('tts/say', env({ text: 'x'.repeat(100) }));
    expect(invalid[0]?.reason).toBe('too-large');
  });

  it('accepts bare payloads on acceptBare channels and bare channels', async () => {
    const a = await sub(ttsSayLenient);
    a.fake.deliver('tts/say', { text: 'bare' });
    expect(a.got[0]?.slice(0, 2)).toEqual([{ text: 'bare' }, null]);
    const b = await sub(bareSay);
    b.fake.deliver('bare/say', { text: 'b' });
    b.fake.deliver('bare/say', { nope: 1 });
    expect(b.got).toHaveLength(1);
    expect(b.invalid[0]?.reason).toBe('schema');
  });

  it('checks acceptedTypes itself when the descriptor has no envelope validator', async () => {
    const { fake, got, invalid } = await sub(status as never);
    fake.deliver('svc/status/x', { ...env({ text: 'a' }), type: 'svc.legacy' });
    fake.deliver('svc/status/x', { ...env({ text: 'a' }), type: 'svc.other' });
    fake.deliver('svc/status/x', { ...env({ text: 3 }), type: 'svc.status' });
    expect(got).toHaveLength(1);
    expect((got[0]![2] as { params: unknown }).params).toEqual({ client_id: 'x' });
    expect(invalid.map((i) => i.reason)).toEqual(['event-type', 'schema']);
  });

  it('survives an onInvalid hook that throws', async () => {
    const { fake, client, lines } = await setup();
    const got: unknown[] = [];
    await client.subscribe(ttsSay, (d) => void got.push(d), { onInvalid: () => { throw new Error('hook bug'); } });
    fake.deliver('tts/say', 'garbage');
    fake.deliver('tts/say', env({ text: 'after' }));
    expect(got).toEqual([{ text: 'after' }]);
    expect(lines.some((l) => l.msg === 'onInvalid hook threw')).toBe(true);
  });

  it('dedupes envelopes when a TTL is configured, never bare payloads', async () => {
    const s = await setup({ dedupeTtl: 30 });
    const got: unknown[] = [];
    await s.client.subscribe(ttsSayLenient, (d) => void got.push(d));
    s.fake.deliver('tts/say', env({ text: 'a' }));
    s.fake.deliver('tts/say', env({ text: 'a' }));
    s.fake.deliver('tts/say', env({ text: 'b' }));
    s.fake.deliver('tts/say', { text: 'bare' });
    s.fake.deliver('tts/say', { text: 'bare' });
    expect(got).toEqual([{ text: 'a' }, { text: 'b' }, { text: 'bare' }, { text: 'bare' }]);
    expect(s.client.stats().duplicates).toBe(1);
  });

  it('does not dedupe when the config has no TTL', async () => {
    const { fake, got } = await sub();
    fake.deliver('tts/say', env({ text: 'a' }));
    fake.deliver('tts/say', env({ text: 'a' }));
    expect(got).toHaveLength(2);
  });
});

describe('client - handlers', () => {
  it('isolates throwing and rejecting handlers; others and later messages go on', async () => {
    const { fake, client, lines } = await setup();
    const seen: string[] = [];
    await client.subscribe(ttsSay, (d) => { seen.push(`throw:${d.text}`); throw new Error('sync bug'); });
    await client.subscribe(ttsSay, async (d) => { seen.push(`reject:${d.text}`); throw new Error('async bug'); });
    await client.subscribe(ttsSay, (d) => void seen.push(`ok:${d.text}`));
    fake.deliver('tts/say', env({ text: '1', utt_id: 'u-1' }));
    fake.deliver('tts/say', env({ text: '2' }));
    await until(() => seen.length === 6);
    // Each subscription keeps its own order; across subscriptions only arrival matters.
    expect(seen.slice(0, 4)).toEqual(['throw:1', 'reject:1', 'ok:1', 'throw:2']);
    expect([...seen].sort()).toEqual(['ok:1', 'ok:2', 'reject:1', 'reject:2', 'throw:1', 'throw:2']);
    expect(client.stats().handlerErrors).toBe(4);
    const errs = lines.filter((l) => l.msg === 'message handler failed');
    expect(errs).toHaveLength(4);
    expect(errs[0]!.obj).toMatchObject({ envelope_id: 'a'.repeat(32), utt_id: 'u-1', topic: 'tts/say' });
    expect(fake.subscribed).toEqual(['tts/say']);
  });

  it('runs async handlers one at a time, in order, by default', async () => {
    const { fake, client } = await setup();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    await client.subscribe(ttsSay, async (d) => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${d.text}`);
      await sleep(Number(d.text) % 3 === 0 ? 5 : 1);
      log.push(`end ${d.text}`);
      active--;
    });
    for (let i = 0; i < 6; i++) fake.deliver('tts/say', env({ text: String(i) }));
    await until(() => log.length === 12);
    expect(maxActive).toBe(1);
    expect(log).toEqual(Array.from({ length: 6 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
  });

  it('honours a higher concurrency', async () => {
    const { fake, client } = await setup();
    let active = 0;
    let maxActive = 0;
    let done = 0;
    await client.subscribe(ttsSay, async () => {
      maxActive = Math.max(maxActive, ++active);
      await sleep(5);
      active--;
      done++;
    }, { concurrency: 3 });
    for (let i = 0; i < 9; i++) fake.deliver('tts/say', env({ text: String(i) }));
    await until(() => done === 9);
    expect(maxActive).toBe(3);
    expect(done).toBe(9);
  });

  /** A subscriber whose handler waits until released; returns the release queue and counters. */
  async function slowSubscriber(connectOpts: Partial<ConnectOptions>, subOpts: Parameters<BusClient['subscribe']>[2] = {}) {
    const s = await setup(connectOpts);
    const release: (() => void)[] = [];
    const seen: string[] = [];
    const statuses: StatusEvent[] = [];
    s.client.on('status', (st) => statuses.push(st));
    const sub = await s.client.subscribe(ttsSay, (d) => new Promise<void>((r) => release.push(() => { seen.push(d.text); r(); })), subOpts);
    const drain = async () => {
      while (release.length > 0) {
        release.shift()!();
        await tick();
      }
    };
    return { ...s, release, seen, statuses, sub, drain };
  }

  it("over maxPending ('wait'): QoS 1 messages wait unacknowledged while MQTT.js reads on, and are acknowledged when admitted", async () => {
    const { fake, client, statuses, sub, seen, drain, lines } = await slowSubscriber({ maxPending: 4 });
    for (let i = 0; i < 9; i++) fake.deliver('tts/say', env({ text: String(i) }), 1);
    // 1 running + 4 queued are acknowledged at once; the other 4 wait, and MQTT.js was never held.
    expect(fake.acked).toBe(5);
    expect(fake.deferred).toBe(4);
    expect(sub.stats()).toMatchObject({ running: 1, queued: 4, waiting: 4, dropped: 0 });
    expect(statuses.filter((s) => s.type === 'slowConsumer')).toEqual([
      { type: 'slowConsumer', filter: 'tts/say', channel: 'ttsSay', policy: 'wait', queued: 4, queuedBytes: expect.any(Number) },
    ]);
    await drain();
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect(fake.acked).toBe(9);
    expect(fake.lateAcks).toEqual([6, 7, 8, 9]);
    expect(client.stats()).toMatchObject({ slowConsumers: 1, overflowDropped: 0, received: 9 });
    expect(lines.filter((l) => l.msg === 'slow consumer: subscription over its bound')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'slow consumer caught up')).toHaveLength(1);
  });

  it("'wait': QoS 1 waits without a count of its own (the broker's window stops it); bytes are bounded, then the newest is dropped", async () => {
    const { fake, client, sub, seen, drain } = await slowSubscriber({ maxPending: 2, maxPendingBytes: 2_500 });
    // Messages of ~1.1 KB: 1 running, 2 queued (2.2 KB), 9 waiting (within 4 x 2,500 bytes), 8 dropped.
    for (let i = 0; i < 20; i++) fake.deliver('tts/say', env({ text: `${i}`.padEnd(1000, 'x') }), 1);
    expect(sub.stats()).toMatchObject({ running: 1, queued: 2, waiting: 9, dropped: 8 });
    expect(fake.deferred).toBe(9);
    expect(fake.acked).toBe(11);
    await drain();
    expect(seen).toHaveLength(12);
    expect(client.stats().overflowDropped).toBe(8);
    expect(fake.acked).toBe(20);
  });

  it("'wait': QoS 0 waits at most the bound again, then the newest is dropped", async () => {
    const { fake, sub, seen, drain } = await slowSubscriber({ maxPending: 2 });
    for (let i = 0; i < 8; i++) fake.deliver('tts/say', env({ text: String(i) }), 0);
    expect(sub.stats()).toMatchObject({ running: 1, queued: 2, waiting: 2, dropped: 3 });
    await drain();
    expect(seen).toEqual(['0', '1', '2', '3', '4']);
  });

  it("'drop-newest' and 'drop-oldest' keep the bound without waiting", async () => {
    for (const [overflow, kept] of [['drop-newest', ['0', '1', '2']], ['drop-oldest', ['0', '4', '5']]] as const) {
      const { fake, sub, seen, drain } = await slowSubscriber({}, { maxPending: 2, overflow });
      for (let i = 0; i < 6; i++) fake.deliver('tts/say', env({ text: String(i) }), 1);
      expect(fake.deferred).toBe(0);
      expect(fake.acked).toBe(6);
      expect(sub.stats()).toMatchObject({ running: 1, queued: 2, waiting: 0, dropped: 3 });
      await drain();
      expect(seen).toEqual(kept);
    }
  });

  it('maxPendingBytes bounds the queued payload bytes', async () => {
    const big = 'x'.repeat(1000);
    const { fake, sub } = await slowSubscriber({}, { maxPendingBytes: 2500, overflow: 'drop-newest' });
    for (let i = 0; i < 6; i++) fake.deliver('tts/say', env({ text: big }), 1);
    expect(sub.stats()).toMatchObject({ running: 1, queued: 2, dropped: 3 });
  });

  it("ack 'handled': a QoS 1 message is acknowledged only after its handler settled (thrown or not)", async () => {
    const { fake, release, drain } = await slowSubscriber({}, { ack: 'handled' });
    fake.deliver('tts/say', env({ text: 'a' }), 1);
    fake.deliver('tts/say', env({ text: 'b' }), 1);
    expect(fake.acked).toBe(0);
    expect(fake.deferred).toBe(2);
    release.shift()!();
    await tick();
    expect(fake.lateAcks).toEqual([1]);
    await drain();
    expect(fake.lateAcks).toEqual([1, 2]);
  });

  it('close() from inside a synchronous handler does not wait for the drain timeout', async () => {
    const { fake, client } = await setup({ drainTimeoutMs: 5_000 });
    let closing: Promise<void> | undefined;
    await client.subscribe(ttsSay, () => {
      closing = client.close();
    });
    fake.deliver('tts/say', env({ text: 'bye' }), 1);
    await within(closing!, 1_000);
  });

  it('a handler returning a thenable whose then() throws, or an onError that throws, does not wedge the queue', async () => {
    const { fake, client } = await setup();
    const seen: string[] = [];
    await client.subscribe(ttsSay, (d) => {
      seen.push(d.text);
      if (d.text === 'bad') return { then: () => { throw new Error('broken thenable'); } } as unknown as Promise<void>;
    });
    fake.deliver('tts/say', env({ text: 'bad' }), 1);
    fake.deliver('tts/say', env({ text: 'next' }), 1);
    await until(() => seen.length === 2);
    expect(client.stats().handlerErrors).toBe(1);
    expect(fake.acked).toBe(2);
  });

  it('a refused QoS upgrade leaves the existing lower-QoS subscription working', async () => {
    const { fake, client } = await setup();
    const got: string[] = [];
    await client.subscribe(status, (d) => void got.push(d.text), { params: { client_id: 'x' } }); // QoS 0
    const refuse = fake.subscribeAsync.bind(fake);
    fake.subscribeAsync = (async (f: string, o: { qos: 0 | 1 | 2 }) => {
      const g = await refuse(f, o);
      return g.map((x) => ({ ...x, qos: 128 }));
    }) as typeof fake.subscribeAsync;
    const upgraded = { ...status, qos: 1 as const, id: 'statusQ1' };
    await expect(client.subscribe(upgraded, () => {}, { params: { client_id: 'x' } })).rejects.toMatchObject({ code: 'SUBSCRIBE_FAILED', reasonCode: 128 });
    fake.subscribeAsync = refuse;
    fake.deliver('svc/status/x', env({ text: 'still here' }, { type: 'svc.status' }), 0);
    expect(got).toEqual(['still here']);
    await client.subscribe(status, () => {}, { params: { client_id: 'x' } });
  });

  it('QoS 0 messages never touch acknowledgements', async () => {
    const { fake, sub } = await slowSubscriber({ maxPending: 1 });
    for (let i = 0; i < 4; i++) fake.deliver('tts/say', env({ text: String(i) }), 0);
    expect(fake.acked + fake.deferred + fake.lateAcks.length).toBe(0);
    expect(sub.stats()).toMatchObject({ running: 1, queued: 1, waiting: 1, dropped: 1 });
  });

  it('shares one broker subscription per filter and unsubscribes after the last handler', async () => {
    const { fake, client } = await setup();
    const a = await client.subscribe(status, () => {}, { params: { client_id: 'x' } });
    const b = await client.subscribe(status, () => {}, { params: { client_id: 'x' } });
    const c = await client.subscribe(status, () => {});
    expect(a.filter).toBe('svc/status/x');
    expect(c.filter).toBe('svc/status/+');
    expect(fake.subscribed).toEqual(['svc/status/x', 'svc/status/+']);
    await a.unsubscribe();
    await a.unsubscribe();
    expect(fake.unsubscribed).toEqual([]);
    await b.unsubscribe();
    expect(fake.unsubscribed).toEqual(['svc/status/x']);
  });

  it('routes raw subscriptions with wildcards but never $-topics to # or +', async () => {
    const { fake, client } = await setup();
    const topics: string[] = [];
    await client.subscribeRaw('#', (_p, m) => void topics.push(`#:${m.topic}`), { qos: 0 });
    await client.subscribeRaw('+/b/#', (_p, m) => void topics.push(`+b:${m.topic}`), { qos: 0 });
    await client.subscribeRaw('$SYS/#', (_p, m) => void topics.push(`sys:${m.topic}`), { qos: 0 });
    fake.deliver('a/b/c', 'x');
    fake.deliver('$SYS/broker/load', 'x');
    expect(topics).toEqual(['#:a/b/c', '+b:a/b/c', 'sys:$SYS/broker/load']);
  });

  it('a handler unsubscribed stops receiving', async () => {
    const { fake, client } = await setup();
    const got: unknown[] = [];
    const s = await client.subscribe(ttsSay, (d) => void got.push(d));
    fake.deliver('tts/say', env({ text: '1' }));
    await s.unsubscribe();
    fake.deliver('tts/say', env({ text: '2' }));
    expect(got).toHaveLength(1);
  });
});

describe('client - health and heartbeat', () => {
  it('publishes ready on connect, sets an offline Last Will, reconnected after a reconnect, shutdown on close', async () => {
    const { fake, client } = await setup({ enableHealth: true, sourceName: 'svc', health: lifecycle.health });
    const health = () => fake.sent.filter((s) => s.topic === 'system/health/unit').map((s) => ({ ...s, wire: JSON.parse(s.payload) }));
    expect(health()).toHaveLength(1);
    const ready = health()[0]!;
    expect(ready).toMatchObject({ qos: 1, retain: true });
    expect(ready.wire).toMatchObject({ type: 'health.status', source: 'svc', data: { ok: true, event: 'ready' } });
    expect(Object.keys(ready.wire.data)).toEqual(['message_id', 'ok', 'event', 'timestamp']);
    const will = fake.options.will!;
    expect(will).toMatchObject({ topic: 'system/health/unit', qos: 1, retain: true });
    expect(JSON.parse(String(will.payload))).toMatchObject({ type: 'health.status', data: { ok: false, event: 'offline' } });

    fake.drop();
    fake.connectNow();
    await tick();
    expect(health()[1]?.wire.data).toMatchObject({ ok: true, event: 'reconnected' });
    await client.close();
    expect(health()[2]?.wire.data).toMatchObject({ ok: false, event: 'shutdown' });
    expect(health()[2]).toMatchObject({ qos: 1, retain: true });
  });

  it('sends nothing on the health topic when health is off', async () => {
    const { fake, client } = await setup();
    await client.close();
    expect(fake.sent.filter((s) => s.topic.startsWith('system/'))).toEqual([]);
    expect(fake.options.will).toBeUndefined();
  });

  it('sends bare heartbeats at QoS 0 while connected and stops on close', async () => {
    const { fake, client } = await setup({ enableHeartbeat: true, heartbeatInterval: 0.02, heartbeat: lifecycle.heartbeat });
    await until(() => fake.sent.filter((s) => s.topic === 'system/keepalive/unit').length >= 2);
    const beats = fake.sent.filter((s) => s.topic === 'system/keepalive/unit');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0]).toMatchObject({ qos: 0, retain: false });
    const hb = JSON.parse(beats[0]!.payload);
    expect(Object.keys(hb)).toEqual(['ok', 'event', 'timestamp']);
    expect(hb).toMatchObject({ ok: true, event: 'heartbeat' });
    await client.close();
    const n = fake.sent.length;
    await sleep(50);
    expect(fake.sent.length).toBe(n);
  });
});

describe('client - shutdown', () => {
  it('close() is idempotent, resolves closed() and emits closed once', async () => {
    const { fake, client } = await setup();
    const statuses: StatusEvent[] = [];
    client.on('status', (s) => statuses.push(s));
    const p1 = client.close();
    const p2 = client.close();
    expect(p1).toBe(p2);
    await p1;
    await client.close();
    expect(await client.closed()).toEqual({ kind: 'closed' });
    expect(statuses.filter((s) => s.type === 'closed')).toHaveLength(1);
    expect(fake.ended).toBe(1);
    expect(client.connected).toBe(false);
    await expect(client.publish(ttsSay, { text: 'x' })).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(client.subscribe(ttsSay, () => {})).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('waits for in-flight handlers, starts no queued one, and stops intake', async () => {
    const { fake, client } = await setup();
    const events: string[] = [];
    await client.subscribe(ttsSay, async (d) => {
      events.push(`start ${d.text}`);
      await sleep(20);
      events.push(`end ${d.text}`);
    });
    fake.deliver('tts/say', env({ text: '1' }));
    fake.deliver('tts/say', env({ text: '2' }));
    const closing = client.close();
    fake.deliver('tts/say', env({ text: '3' }));
    await closing;
    expect(events).toEqual(['start 1', 'end 1']);
    expect(client.stats().dropped).toBe(1);
  });

  it('rejects unacknowledged QoS 1 publishes with ClosedError at close, not at their timeout', async () => {
    for (const publishTimeoutMs of [0, 60_000]) {
      const { fake, client } = await setup({ publishTimeoutMs });
      fake.swallowAcks = true;
      const pending = client.publish(ttsSay, { text: 'x' });
      pending.catch(() => undefined);
      await tick();
      const t0 = Date.now();
      await client.close({ timeoutMs: 100 });
      await expect(within(pending, 1000)).rejects.toMatchObject({ code: 'CLOSED' });
      expect(Date.now() - t0).toBeLessThan(1000);
    }
  });

  it('rejects a publish whose retry was due after close with ClosedError', async () => {
    const { fake, client } = await setup({ publishTimeoutMs: 0, publishRetryDelayMs: 30 });
    fake.failNext = { err: new Error('write failed'), times: 1 };
    fake.endAsync = async () => {
      fake.ended++;
      fake.drop(); // like MQTT.js: the connection closes
    };
    const pending = client.publish(ttsSay, { text: 'x' });
    pending.catch(() => undefined);
    await until(() => fake.sent.length === 1);
    await tick();
    await client.close({ timeoutMs: 100 });
    await expect(within(pending, 1000)).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('gives up waiting for handlers after the drain timeout', async () => {
    const { fake, client } = await setup();
    await client.subscribe(ttsSay, () => new Promise(() => {}));
    fake.deliver('tts/say', env({ text: '1' }));
    const t0 = Date.now();
    await client.close({ timeoutMs: 30 });
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('client - redaction', () => {
  it('no log line, error or inspect output contains the password', async () => {
    const { fake, client, lines } = await setup({ publishRetries: 0 });
    fake.emit('error', new Error('connect failed for mqtt://user:topsecret@broker:1883'));
    fake.failNext = { err: new Error('x'), times: 1 };
    const err = await client.publish(ttsSay, { text: 'x' }).catch((e: unknown) => e);
    fake.drop();
    fake.connectNow();
    await client.close();
    const dump = JSON.stringify(lines);
    expect(dump).toContain('broker');
    expect(dump).not.toContain('topsecret');
    expect(inspect(err)).not.toContain('topsecret');
    expect(inspect(client, { depth: 5 })).not.toContain('topsecret');
  });
});

describe('client - publish hot path', () => {
  /** A socket stand-in: writableNeedDrain is set by the test; 'drain'/'close' emitted by the test. */
  class FakeStream extends EventEmitter {
    writableNeedDrain = false;
    setNoDelay(): void {}
  }

  it('QoS 0: resolves at once when the socket needs no drain, and passes MQTT.js no callback', async () => {
    const { fake, client } = await setup();
    const seen: boolean[] = [];
    const orig = fake.publish.bind(fake);
    fake.publish = (t, p, o, cb) => {
      seen.push(cb !== undefined);
      return orig(t, p, o, cb);
    };
    await expect(client.publish(status, { text: 'x' }, { params: { client_id: 'a' } })).resolves.toMatch(/^[0-9a-f]{32}$/);
    expect(seen).toEqual([false]);
    expect(client.stats().published).toBe(1);
  });

  it('QoS 0: waits for one shared drain when the socket buffer is full, resolving in order', async () => {
    const { fake, client } = await setup();
    const stream = new FakeStream();
    fake.stream = stream;
    stream.writableNeedDrain = true;
    const order: number[] = [];
    const ps = [0, 1, 2, 3, 4].map((i) => client.publish(bareSay, { text: String(i) }).then(() => void order.push(i)));
    await tick();
    expect(order).toEqual([]);
    expect(stream.listenerCount('drain')).toBe(1);
    expect(fake.sent).toHaveLength(5);
    stream.writableNeedDrain = false;
    stream.emit('drain');
    await Promise.all(ps);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(stream.listenerCount('drain')).toBe(0);
    expect(stream.listenerCount('close')).toBe(0);
    expect(client.stats().published).toBe(5);
  });

  it.each([
    ['with offlineQueue.qos0: retried after the reconnect', true],
    ['without: NotConnectedError (QoS 0 is not queued offline)', false],
  ])('QoS 0: a socket that closes before draining fails those writes, %s', async (_n, qos0) => {
    const { fake, client } = await setup({ publishRetries: 1, offlineQueue: { qos0 } });
    const stream = new FakeStream();
    fake.stream = stream;
    stream.writableNeedDrain = true;
    const p = client.publish(bareSay, { text: 'lost' });
    p.catch(() => undefined);
    await tick();
    stream.writableNeedDrain = false;
    stream.emit('close');
    fake.drop();
    await sleep(10);
    fake.stream = new FakeStream();
    fake.connectNow();
    if (qos0) {
      await expect(p).resolves.toBeUndefined();
      expect(fake.sent.filter((s) => s.topic === 'bare/say')).toHaveLength(2);
    } else {
      await expect(p).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
      expect(fake.sent.filter((s) => s.topic === 'bare/say')).toHaveLength(1);
    }
  });

  it('QoS 0 while MQTT.js is not connected goes through MQTT.js with a callback (its queue applies)', async () => {
    const { fake, client } = await setup();
    const seen: boolean[] = [];
    const orig = fake.publish.bind(fake);
    fake.publish = (t, p, o, cb) => {
      seen.push(cb !== undefined);
      return orig(t, p, o, cb);
    };
    fake.connected = false; // e.g. the moment between the socket closing and 'close'
    await expect(client.publish(bareSay, { text: 'x' })).resolves.toBeUndefined();
    expect(seen).toEqual([true]);
  });

  it('QoS 1: one timer times out every unacknowledged publish; acknowledged ones resolve', async () => {
    const { fake, client } = await setup({ publishRetries: 0, publishTimeoutMs: 40 });
    fake.swallowAcks = true;
    const lost = [client.publish(ttsSay, { text: 'a' }), client.publish(ttsSay, { text: 'b' })].map((p) => p.catch((e: unknown) => e));
    await sleep(15);
    const third = client.publish(ttsSay, { text: 'c' }).catch((e: unknown) => e);
    fake.swallowAcks = false;
    await expect(client.publish(ttsSay, { text: 'd' })).resolves.toMatch(/^[0-9a-f]{32}$/);
    const errs = await Promise.all([...lost, third]);
    for (const e of errs) expect(isTarsError(e, 'PUBLISH_FAILED')).toBe(true);
  });

  it('the Envelope text is exactly JSON.stringify({id, type, ts, source, data})', async () => {
    const { fake, client } = await setup({ sourceName: 'src "quoted" \\ é' });
    const data = { text: 'line\n"two"\u2028', utt_id: 'u' };
    await client.publish(ttsSay, data, { correlate: 'corr"id\\' });
    const text = fake.sent.at(-1)!.payload;
    const parsed = JSON.parse(text) as { id: string; type: string; ts: number; source: string; data: unknown };
    expect(parsed).toMatchObject({ id: 'corr"id\\', type: 'tts.say', source: 'src "quoted" \\ é', data });
    expect(text).toBe(JSON.stringify({ id: parsed.id, type: parsed.type, ts: parsed.ts, source: parsed.source, data }));
    await client.publish(ttsSay, data);
    const fresh = JSON.parse(fake.sent.at(-1)!.payload) as { id: string; ts: number };
    expect(fake.sent.at(-1)!.payload).toBe(JSON.stringify({ id: fresh.id, type: 'tts.say', ts: fresh.ts, source: 'src "quoted" \\ é', data }));
  });
});
