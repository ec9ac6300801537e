/**
 * The client's lifecycle messages, on channels the contract names (the runtime knows no topic):
 * - health (`enableHealth`): `ready` after connect, `reconnected` after a reconnect, `shutdown` on close, and the
 *   Last Will `offline` that the broker publishes when the connection dies without a DISCONNECT; ok is true for
 *   ready/reconnected, false for shutdown/offline. Sent with the channel's QoS and retain (TARS: 1, retained).
 * - heartbeat (`enableHeartbeat`): `heartbeat` (ok true) every interval while connected; skipped while offline
 *   (a queued heartbeat would be stale).
 * The payload model is built from the channel's `fields` (JSON pointers) and framed and validated like any other
 * message of the channel; a contract whose model does not accept what the runtime writes fails at connect().
 */
import type { AnyChannelDescriptor } from './descriptor.js';
import { newEnvelopeId } from './envelope.js';
import { ConfigError } from './errors.js';
import { parsePointer } from './json-pointer.js';
import { dataJson, type EnvelopeWriter } from './outbound.js';
import { buildTopic } from './topic.js';
import type { LifecycleChannel } from './descriptor.js';
import type { MqttWill } from './transport.js';

export type LifecycleEvent = 'ready' | 'reconnected' | 'shutdown' | 'offline' | 'heartbeat';

/** The payload model for `event` (objects along each field's pointer are created). */
export function lifecycleData(spec: LifecycleChannel, event: LifecycleEvent, nowMs: number = Date.now()): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const f = spec.fields;
  if (f.id !== undefined) setAt(data, f.id, newEnvelopeId());
  if (f.ok !== undefined) setAt(data, f.ok, event !== 'shutdown' && event !== 'offline');
  if (f.event !== undefined) setAt(data, f.event, event);
  if (f.timestamp !== undefined) setAt(data, f.timestamp, timestamp(spec.timestampFormat ?? 'unix-seconds', nowMs));
  return data;
}

function timestamp(format: NonNullable<LifecycleChannel['timestampFormat']>, nowMs: number): number | string {
  if (format === 'unix-ms') return nowMs;
  if (format === 'iso-8601') return new Date(nowMs).toISOString();
  return nowMs / 1000;
}

function setAt(target: Record<string, unknown>, pointer: string, value: unknown): void {
  if (!pointer.startsWith('/')) throw new ConfigError('lifecycle fields', `'${pointer}' must be a JSON pointer such as '/ok'`);
  const segments = parsePointer(pointer);
  let cur = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const k = segments[i]!;
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (next === null || typeof next !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[segments[segments.length - 1]!] = value;
}

/** The channel's params for this client: the client id in `clientIdParameter`, nothing else. */
export function lifecycleParams(spec: LifecycleChannel, clientId: string): Record<string, string> {
  const ch = spec.channel;
  const extra = ch.parameters.filter((p) => p !== spec.clientIdParameter);
  if (extra.length > 0) {
    throw new ConfigError(`lifecycle channel ${ch.id}`, `its address ${ch.address} has parameters the runtime cannot fill: ${extra.join(', ')}`);
  }
  return spec.clientIdParameter === undefined ? {} : { [spec.clientIdParameter]: clientId };
}

/** Checks once, before connecting, that the channel accepts what the runtime will send on it. */
export function checkLifecycleChannel(role: 'health' | 'heartbeat', spec: LifecycleChannel, clientId: string): void {
  lifecycleParams(spec, clientId);
  const events: LifecycleEvent[] = role === 'health' ? ['ready', 'reconnected', 'shutdown', 'offline'] : ['heartbeat'];
  for (const event of events) {
    const r = spec.channel.validateData(lifecycleData(spec, event));
    if (!r.ok) {
      const e = r.errors[0]!;
      throw new ConfigError(`${role} channel ${spec.channel.id}`, `the ${event} message the runtime builds is invalid: ${e.path || '(root)'}: ${e.message} [${e.rule}]`);
    }
  }
}

/** The Last Will for the next CONNECT: `offline`, framed as the channel frames its messages. */
export function lastWill(spec: LifecycleChannel, clientId: string, writer: EnvelopeWriter): MqttWill {
  const ch: AnyChannelDescriptor = spec.channel;
  const topic = buildTopic(ch.address, lifecycleParams(spec, clientId));
  const data = lifecycleData(spec, 'offline');
  const f = ch.framing;
  const text = f.kind === 'envelope' && !f.publishBare ? writer.write(topic, newEnvelopeId(), false, f.eventType, data) : dataJson(topic, data);
  return { topic, payload: Buffer.from(text), qos: ch.qos, retain: ch.retain };
}
