/** request() with each correlation style the TARS contract declares, over the embedded broker and the real runtime. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cameraCaptureChannel,
  cameraImageChannel,
  memoryQueryChannel,
  memoryResultsChannel,
  movementStatusChannel,
  movementTestChannel,
} from '../../generated/channels.js';
import { RequestTimeoutError } from '../../runtime/errors.js';
import { ignoredReplies, request } from '../../runtime/request.js';
import { closeTestClients, connectTestClient, startTestBroker, type TestBroker } from '../../testing/index.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterEach(() => closeTestClients());
afterAll(async () => {
  await broker?.close();
});

describe('request() over the broker', () => {
  it('#/id: memory/query → memory/results by Envelope id (the reply reuses the query Envelope id)', async () => {
    const llm = await connectTestClient(broker);
    const memory = await connectTestClient(broker);
    const seen: string[] = [];
    await memory.subscribe(memoryQueryChannel, async (data, envelope) => {
      seen.push(envelope!.id);
      // A results message for somebody else first: ignored by the requester.
      await memory.publish(memoryResultsChannel, { query: 'other', k: 0 }, { correlate: 'not-a-pending-id' });
      await memory.publish(memoryResultsChannel, { query: data.text, k: 1, results: [] }, { correlate: envelope!.id });
    });
    const [a, b] = await Promise.all([
      request(llm, memoryQueryChannel, memoryResultsChannel, { text: 'keys' }, { timeoutMs: 5000 }),
      request(llm, memoryQueryChannel, memoryResultsChannel, { text: 'wallet' }, { timeoutMs: 5000 }),
    ]);
    expect([a.data.query, b.data.query]).toEqual(['keys', 'wallet']);
    expect(seen).toContain(a.envelope!.id);
    expect(seen).toContain(b.envelope!.id);
    expect(ignoredReplies(llm, memoryResultsChannel)).toBe(2);
  });

  it('#/data/request_id: camera/capture fills a fresh request_id when omitted', async () => {
    const router = await connectTestClient(broker);
    const camera = await connectTestClient(broker);
    await camera.subscribe(cameraCaptureChannel, async (data) => {
      await camera.publish(cameraImageChannel, {
        request_id: data.request_id!, image_data: 'aGk=', format: 'jpeg', width: 1, height: 1, size_bytes: 2,
      });
    });
    const reply = await request(router, cameraCaptureChannel, cameraImageChannel, { format: 'jpeg' }, { timeoutMs: 5000 });
    expect(reply.data.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('publishBare request (movement/test) and a bare reply (movement/status) correlate on request_id', async () => {
    const router = await connectTestClient(broker);
    const esp32 = await connectTestClient(broker);
    await esp32.subscribeRaw('movement/test', async (payload) => {
      const msg = JSON.parse(payload.toString()) as { request_id: string; command: string; type?: unknown };
      expect(msg.type).toBeUndefined(); // reached the "ESP32" bare
      await esp32.publishRaw('movement/status', JSON.stringify({ event: 'command_started', command: msg.command, request_id: msg.request_id }), { qos: 0 });
    }, { qos: 1 });
    const reply = await request(router, movementTestChannel, movementStatusChannel, { command: 'wave', request_id: 'mv-1' }, { timeoutMs: 5000 });
    expect(reply.data).toMatchObject({ event: 'command_started', command: 'wave', request_id: 'mv-1' });
    expect(reply.envelope).toBeNull();
  });

  it('times out with RequestTimeoutError when nobody answers', async () => {
    const router = await connectTestClient(broker);
    const err = await request(router, cameraCaptureChannel, cameraImageChannel, { request_id: 'nobody' }, { timeoutMs: 100 }).catch((e) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ channel: 'cameraCapture', correlationId: 'nobody', timeoutMs: 100 });
  });

  it('an invalid request is refused by publish (ValidationFailedError) and nothing is pending', async () => {
    const router = await connectTestClient(broker);
    const err = await request(router, memoryQueryChannel, memoryResultsChannel, { text: 'x', top_k: 99 }, { timeoutMs: 1000 }).catch((e) => e);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.errors[0]).toMatchObject({ path: '/top_k', rule: 'maximum' });
  });
});
