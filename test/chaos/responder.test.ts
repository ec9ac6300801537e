/**
 * chaos - responders under bursts, on a real Mosquitto with its stock in-flight window (20).
 *
 * An llm-worker-like responder subscribes to llm/request and, in its handler, awaits its own QoS 1 publish of
 * the llm/response. Its handler queue is bounded; the burst is far larger than the bound. Every reply must
 * arrive, no publish may fail, and close() afterwards must be quick and clean (a DISCONNECT, no Last Will).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, publishLlmResponse, requestLlm, subscribeLlmRequest, type BusClient, type ConnectOptions } from 'tars-contracts';
import { startBroker, type BrokerHandle } from '../harness/mosquitto.js';
import { runId } from '../integration/support/descriptors.js';
import { captureLogger, waitFor } from '../integration/support/util.js';

let broker: BrokerHandle;
const clients: BusClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ stockLimits: true });
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close({ timeoutMs: 1_000 })));
  await broker?.dispose();
});

async function client(opts: ConnectOptions): Promise<BusClient> {
  const c = await connect({ url: broker.url, reconnectMinDelay: 0.05, reconnectMaxDelay: 0.5, enableHealth: false, enableHeartbeat: false, logger: captureLogger(), ...opts });
  clients.push(c);
  return c;
}

/** Starts a responder; returns it and the errors its handler met. */
async function responder(opts: ConnectOptions, maxPending?: number) {
  const c = await client(opts);
  const errors: unknown[] = [];
  let handled = 0;
  await subscribeLlmRequest(
    c,
    async (req) => {
      try {
        await publishLlmResponse(c, { id: req.id, reply: `echo ${req.text}`, error: null, provider: 'test', model: 'echo', tokens: null });
        handled++;
      } catch (err) {
        errors.push(err);
      }
    },
    maxPending === undefined ? {} : { maxPending },
  );
  return { c, errors, handled: () => handled };
}

describe.each([
  ['a bound of 4', 4],
  ['the default bound', undefined],
])('chaos - responder burst of 200 requests with %s', (_name, maxPending) => {
  it('every reply arrives, no PublishFailedError, close() < 500 ms with a DISCONNECT', async () => {
    const id = `resp-${runId()}`;
    const r = await responder({ clientId: id, publishTimeoutMs: 2_000, publishRetries: 0 }, maxPending);
    const asker = await client({ clientId: `ask-${runId()}` });
    const replies = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => requestLlm(asker, { id: `q${i}`, text: `n${i}` }, { timeoutMs: 20_000 })),
    );
    const ok = replies.filter((p) => p.status === 'fulfilled');
    expect(replies.filter((p) => p.status === 'rejected').map((p) => String((p as PromiseRejectedResult).reason)).slice(0, 3)).toEqual([]);
    expect(ok).toHaveLength(200);
    for (let i = 0; i < 200; i++) expect((replies[i] as PromiseFulfilledResult<{ data: { reply: string } }>).value.data.reply).toBe(`echo n${i}`);
    // the responder's own PUBACK for the last reply may come after the asker saw that reply
    await waitFor(() => r.handled() + r.errors.length === 200, 'the responder to finish its handlers');
    expect(r.errors).toEqual([]);

    const t0 = performance.now();
    await r.c.close();
    const closeMs = performance.now() - t0;
    expect(closeMs).toBeLessThan(500);
    expect(broker.countLog(new RegExp(`Client ${id} disconnected\\.`))).toBe(1);
  });
});
