/**
 * Responder for the request bench, in its own worker thread and connection.
 * raw: subscribes RAW_REQ, answers each message on RAW_REP with an llm.response Envelope carrying the same id.
 * sdk: subscribes the llmRequest descriptor and publishes llmResponse {id} for each request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';
import { loadChannels } from './channels.js';
import { loadSdk, benchConnectOptions } from './sdk.js';

const port = parentPort!;
const wd = workerData as { mode: 'raw' | 'sdk'; url: string; clientId: string; reqTopic: string; repTopic: string; noDelay?: boolean };
let close: () => Promise<void> = async () => {};

if (wd.mode === 'raw') {
  const c = mqtt.connect(wd.url, { clientId: wd.clientId, reconnectPeriod: 0 });
  await new Promise<void>((res, rej) => { c.once('connect', () => res()); c.once('error', rej); });
  if (wd.noDelay) (c.stream as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  c.on('message', (_t, payload) => {
    const req = JSON.parse(payload.toString());
    const rep = JSON.stringify({ id: req.id, type: 'llm.response', ts: Date.now() / 1000, source: 'bench-responder', data: { message_id: req.data.message_id, id: req.data.id, reply: 'ok', error: null, provider: null, model: null, tokens: {} } });
    c.publish(wd.repTopic, rep, { qos: 1 });
  });
  await c.subscribeAsync(wd.reqTopic, { qos: 1 });
  close = async () => { await c.endAsync(); };
} else {
  const sdk = await loadSdk();
  if (!sdk) throw new Error('runtime not available');
  const ch = await loadChannels();
  const client = await sdk.connect(benchConnectOptions(wd.url, wd.clientId));
  await client.subscribe(ch.llmRequest, (data: any) => {
    void client.publish(ch.llmResponse, { id: data.id, reply: 'ok', error: null, provider: null, model: null, tokens: {} }).catch(() => {});
  });
  close = async () => { await client.close({ timeoutMs: 1000 }); };
}

port.on('message', async (m: any) => {
  if (m.cmd === 'close') {
    await close().catch(() => {});
    port.postMessage({ id: m.id, closed: true });
  } else port.postMessage({ id: m.id, error: `unknown command ${m.cmd}` });
});
port.postMessage({ type: 'ready' });
