/**
 * Example payloads from the contract (message `examples` in the AsyncAPI document), for tests.
 *
 * The generator puts each message's example payload MODELS (the Envelope's `data`, or the whole message of a
 * bare channel) on the channel's descriptor as `examples`. exampleOf(channel) returns a fresh copy of one,
 * ready to hand to `publish()`; wireExampleOf(channel) wraps it the way the channel's messages travel
 * (an Envelope with the canonical event type, or the bare model), for raw publishes.
 */
import type { AnyChannelDescriptor, ChannelDescriptor } from '@tars-contracts/runtime';

export class NoExampleError extends Error {
  override readonly name = 'NoExampleError';
  readonly code = 'NO_EXAMPLE';
  constructor(readonly channel: string, readonly index: number) {
    super(`no example #${index} for channel ${channel}`);
  }
}

const clone = <T>(v: T): T => structuredClone(v);

/** Every example model of the channel (fresh copies; empty when the contract gives none). */
export function examplesOf<T>(channel: ChannelDescriptor<T, string>): T[] {
  return (channel.examples ?? []).map((e) => clone(e) as T);
}

/** A fresh copy of the channel's example model #index (default the first), with `overrides` merged on top. */
export function exampleOf<T>(channel: ChannelDescriptor<T, string>, overrides?: Partial<T>, index = 0): T {
  const example = channel.examples?.[index];
  if (example === undefined) throw new NoExampleError(channel.id, index);
  const copy = clone(example) as T;
  return overrides ? ({ ...copy, ...overrides } as T) : copy;
}

/** Example #index as a whole wire message: an Envelope (canonical event type, fixed id/ts) or the bare model. */
export function wireExampleOf(channel: AnyChannelDescriptor, index = 0): unknown {
  const data = exampleOf(channel, undefined, index);
  const f = channel.framing;
  if (f.kind !== 'envelope' || f.publishBare) return data;
  return { id: 'e'.repeat(32), type: f.eventType, ts: 1762430400.5, source: 'test', data };
}
