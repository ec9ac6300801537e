/**
 * The wire side of the typed tests: raw MQTT.js clients (what the broker delivers, with the packet's QoS and
 * retain flag), a barrier ("everything sent before this has arrived") and bounded waits.
 */
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { newEnvelopeId } from '../../../runtime/index.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `predicate` until truthy; throws with `what` after `timeoutMs` (a bound, never a timing assertion). */
export async function waitFor<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Races `p` against a bound, so a hung promise fails with a message instead of the test timeout. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Settles `p` and returns its rejection (throws if it resolved). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export const runId = (): string => newEnvelopeId().slice(0, 8);

export interface WireMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  json(): any;
}

export const MARKER_PREFIX = 'typed-marker/';

export class RawClient {
  readonly messages: WireMessage[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      this.messages.push({ topic, payload, qos: packet.qos, retain: packet.retain, json: () => JSON.parse(payload.toString('utf8')) });
    });
    client.on('error', () => {
      /* surfaced by the waits */
    });
  }

  static async connect(url: string): Promise<RawClient> {
    const client = mqtt.connect(url, { reconnectPeriod: 100, connectTimeout: 5_000, manualConnect: true, clientId: `raw-${runId()}` });
    const raw = new RawClient(client);
    await within(
      new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.connect();
      }),
      10_000,
      `raw MQTT.js connect to ${url}`,
    );
    return raw;
  }

  on(topic: string): WireMessage[] {
    return this.messages.filter((m) => m.topic === topic);
  }
  /** Everything received except barrier markers. */
  get payloadMessages(): WireMessage[] {
    return this.messages.filter((m) => !m.topic.startsWith(MARKER_PREFIX));
  }

  async subscribe(filter: string, qos: 0 | 1 | 2 = 2): Promise<void> {
    const granted = await this.client.subscribeAsync(filter, { qos });
    if (granted[0]?.qos !== qos) throw new Error(`subscribe ${filter}: granted ${JSON.stringify(granted)}`);
  }

  async publish(topic: string, payload: string | Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean } = {}): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
  }

  /**
   * Barrier: publish a marker on this client's own connection and wait for it to come back. The broker
   * handles one connection in order, so everything it queued for this client before (stored retained
   * messages of an earlier SUBSCRIBE, earlier publishes) has been delivered when the marker arrives.
   */
  async barrier(timeoutMs = 5_000): Promise<void> {
    const topic = `${MARKER_PREFIX}${runId()}`;
    await this.subscribe(topic, 2);
    await this.publish(topic, 'm', { qos: 2 });
    await waitFor(() => this.messages.some((m) => m.topic === topic), `barrier marker ${topic}`, timeoutMs);
    await this.client.unsubscribeAsync(topic);
  }

  async end(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}

/** The retained messages the broker has stored for `topic`, as seen by a fresh late subscriber. */
export async function storedRetained(url: string, topic: string): Promise<WireMessage[]> {
  const late = await RawClient.connect(url);
  try {
    await late.subscribe(topic, 2);
    await late.barrier();
    return late.on(topic);
  } finally {
    await late.end();
  }
}

/**
 * Barrier for an SDK client: a marker through its own connection (subscribeRaw + publishRaw). When the marker
 * has reached its handler, everything the broker queued for this connection before it has been handed to the
 * client's handlers (synchronous handlers run inline, in arrival order).
 */
export async function sdkBarrier(
  client: { subscribeRaw: BusClientLike['subscribeRaw']; publishRaw: BusClientLike['publishRaw'] },
  timeoutMs = 5_000,
): Promise<void> {
  const topic = `${MARKER_PREFIX}sdk-${runId()}`;
  let seen = false;
  const s = await client.subscribeRaw(topic, () => {
    seen = true;
  }, { qos: 1 });
  await client.publishRaw(topic, 'm', { qos: 1 });
  await waitFor(() => seen, `SDK barrier marker ${topic}`, timeoutMs);
  await s.unsubscribe();
}
type BusClientLike = import('../../../runtime/index.js').BusClient;
