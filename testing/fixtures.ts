/**
 * Example payloads from the contract (asyncapi/tars.asyncapi.yaml, message `examples`), for tests.
 *
 * exampleOf(channel) returns a fresh copy of the channel's first example payload MODEL (the Envelope's
 * `data`, or the whole message of a bare channel): ready to hand to `publish()`. wireExampleOf(channel)
 * returns the whole example wire message (Envelope or bare), for raw publishes.
 *
 * Source of the examples, in order: an `examples` array on the descriptor (example models, if the generator
 * emits them), then the local copy below of the contract's examples for the channels the demo uses.
 */
import type { ChannelDescriptor } from '../runtime/descriptor.js';

/** Wire examples copied from asyncapi/tars.asyncapi.yaml (by channel id). */
const WIRE_EXAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  sttFinal: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee1', type: 'stt.final', ts: 1762430400.5, source: 'tars-stt',
      data: { message_id: '00000000000000000000000000000001', text: 'what time is it', lang: 'en', confidence: 0.93, utt_id: null, ts: 1762430400.25, is_final: true } },
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee2', type: 'stt.final', ts: 1762430400.5, source: 'tars-stt', data: { text: 'hello' } },
  ],
  llmRequest: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee8', type: 'llm.request', ts: 1762430400.5, source: 'router',
      data: { message_id: '00000000000000000000000000000007', id: 'rt-1a2b3c4d', text: 'what time is it', stream: true, use_rag: null, rag_k: null, system: null,
        params: { temperature: 0.7 },
        conversation_history: [{ role: 'user', content: 'hi', timestamp: 1762430370.25 }, { role: 'assistant', content: 'Hello.', timestamp: 1762430371.25 }] } },
  ],
  llmResponse: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee9', type: 'llm.response', ts: 1762430400.5, source: 'llm-worker',
      data: { message_id: '00000000000000000000000000000008', id: 'rt-1a2b3c4d', reply: 'It is three o clock.', error: null, provider: 'openai', model: 'gpt-4o-mini', tokens: {} } },
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeea', type: 'llm.response', ts: 1762430400.5, source: 'llm-worker',
      data: { message_id: '00000000000000000000000000000009', id: 'rt-1a2b3c4d', reply: null, error: 'missing API key', provider: 'openai', model: null, tokens: null } },
  ],
  llmStream: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeb', type: 'llm.stream', ts: 1762430400.5, source: 'llm-worker',
      data: { message_id: '0000000000000000000000000000000a', id: 'rt-1a2b3c4d', seq: 1, delta: 'It is ', done: false, provider: 'openai', model: 'gpt-4o-mini' } },
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeec', type: 'llm.stream', ts: 1762430400.5, source: 'llm-worker',
      data: { message_id: '0000000000000000000000000000000b', id: 'rt-1a2b3c4d', seq: 3, delta: null, done: true, provider: 'openai', model: 'gpt-4o-mini' } },
  ],
  ttsSay: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee5', type: 'tts.say', ts: 1762430400.5, source: 'router',
      data: { message_id: '00000000000000000000000000000004', text: 'It is three o clock.', voice: 'TARS', lang: 'en', utt_id: 'rt-1a2b3c4d', style: 'neutral', stt_ts: 1762430400.25, wake_ack: null, system_announce: null } },
  ],
  ttsStatus: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeee6', type: 'tts.status', ts: 1762430400.5, source: 'tars-tts',
      data: { message_id: '00000000000000000000000000000005', event: 'speaking_end', text: 'It is three o clock.', timestamp: 1762430400.25, utt_id: 'rt-1a2b3c4d', reason: null, wake_ack: null, system_announce: null } },
  ],
  systemHealth: [
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeee33', type: 'health.status', ts: 1762430400.5, source: 'tars-stt',
      data: { message_id: '00000000000000000000000000000022', ok: true, event: 'ready', timestamp: 1762430400.25 } },
    { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeee34', type: 'system.health.memory', ts: 1762430400.5, source: 'memory-worker',
      data: { message_id: '00000000000000000000000000000023', ok: false, event: null, err: 'query failed', timestamp: 1762430400.25 } },
  ],
  systemKeepalive: [{ ok: true, event: 'heartbeat', timestamp: 1762430400.25 }],
};

export class NoExampleError extends Error {
  override readonly name = 'NoExampleError';
  readonly code = 'NO_EXAMPLE';
  constructor(readonly channel: string, readonly index: number) {
    super(`no example #${index} for channel ${channel}`);
  }
}

const clone = <T>(v: T): T => structuredClone(v);

function enveloped(channel: ChannelDescriptor<any, any>): boolean {
  return channel.framing.kind === 'envelope' && !channel.framing.publishBare;
}

/** Every example model known for the channel. */
export function examplesOf<T>(channel: ChannelDescriptor<T, any>): T[] {
  const fromDescriptor = (channel as { examples?: readonly unknown[] }).examples;
  if (Array.isArray(fromDescriptor) && fromDescriptor.length > 0) return fromDescriptor.map((e) => clone(e) as T);
  const wires = WIRE_EXAMPLES[channel.id] ?? [];
  return wires.map((w) => clone(channel.framing.kind === 'envelope' && isEnvelope(w) ? w.data : w) as T);
}

function isEnvelope(v: unknown): v is { data: unknown } {
  return typeof v === 'object' && v !== null && 'type' in v && 'data' in v;
}

/** A fresh copy of the channel's example model #index (default the first), with `overrides` merged on top. */
export function exampleOf<T>(channel: ChannelDescriptor<T, any>, overrides?: Partial<T>, index = 0): T {
  const all = examplesOf(channel);
  const example = all[index];
  if (example === undefined) throw new NoExampleError(channel.id, index);
  return overrides ? ({ ...example, ...overrides } as T) : example;
}

/** The whole example wire message (Envelope or bare) #index, as a fresh object. */
export function wireExampleOf(channel: ChannelDescriptor<any, any>, index = 0): unknown {
  const wires = WIRE_EXAMPLES[channel.id];
  const wire = wires?.[index];
  if (wire !== undefined) return clone(wire);
  const data = exampleOf(channel, undefined, index);
  if (!enveloped(channel)) return data;
  const framing = channel.framing as { eventType: string };
  return { id: 'e'.repeat(32), type: framing.eventType, ts: 1762430400.5, source: 'test', data };
}
