/**
 * chaos - close() while a 2,000 msg/s QoS 1 stream is arriving, with health on: it must be quick, end with a
 * DISCONNECT (so the broker does not fire the Last Will), and leave the retained `shutdown` status in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, sttFinalChannel, subscribeSttFinal, type BusClient } from 'tars-contracts';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from '../integration/support/descriptors.js';
import { captureLogger, healthOf, rawClient, sleep, waitFor, type RawObserver } from '../integration/support/util.js';

let broker: BrokerHandle;
const raws: RawObserver[] = [];
const clients: BusClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ stockLimits: true });
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close({ timeoutMs: 1_000 })));
  await Promise.all(raws.map((r) => r.end()));
  await broker?.dispose();
});

async function raw(): Promise<RawObserver> {
  const r = await rawClient(broker.url);
  raws.push(r);
  return r;
}

describe('chaos - close() under a QoS 1 stream', () => {
  it('with health on during 2,000 msg/s: < 500 ms, a DISCONNECT, the retained status is `shutdown`, no Last Will', async () => {
    const id = `close-${runId()}`;
    const watcher = await raw();
    await watcher.subscribe(`system/health/${id}`, 1);
    const bus = await connect({ url: broker.url, clientId: id, enableHealth: true, enableHeartbeat: false, logger: captureLogger() });
    clients.push(bus);
    let handled = 0;
    await subscribeSttFinal(bus, () => {
      handled++;
    });
    await waitFor(() => watcher.messages.some((m) => healthOf(m.json()).event === 'ready'), 'ready');

    // 2,000 msg/s: 20 QoS 1 messages every 10 ms, not awaited (a busy peer).
    const pub = await raw();
    const example = JSON.stringify({ id: 'x', type: 'stt.final', ts: 1, source: 'peer', data: sttFinalChannel.examples![0] });
    let stop = false;
    let sent = 0;
    const pump = (async () => {
      while (!stop) {
        for (let i = 0; i < 20; i++) {
          pub.client.publish('stt/final', example.replace('"x"', `"m${sent++}"`), { qos: 1 });
        }
        await sleep(10);
      }
    })();
    await waitFor(() => handled > 500, 'the stream to be flowing');

    const t0 = performance.now();
    await bus.close();
    const closeMs = performance.now() - t0;
    stop = true;
    await pump;
    expect(closeMs).toBeLessThan(500);
    expect(broker.countLog(new RegExp(`Client ${id} disconnected\\.`))).toBe(1);

    await sleep(300); // a Last Will would be published by now
    const events = watcher.messages.map((m) => healthOf(m.json()).event);
    expect(events).toContain('shutdown');
    expect(events).not.toContain('offline');
    const late = await raw();
    await late.subscribe(`system/health/${id}`, 1);
    const kept = await waitFor(() => late.messages[0], 'the retained status');
    expect(healthOf(kept.json())).toMatchObject({ ok: false, event: 'shutdown' });
  });
});
