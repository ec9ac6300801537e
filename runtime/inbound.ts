/**
 * The inbound decode step of a channel: parse → frame detection → validation. Pure: it returns what to do
 * and never throws, so one bad message cannot hurt the process.
 */
import type { ChannelDescriptor, Envelope, FieldError, ValidationResult } from './descriptor.js';
import { looksLikeEnvelope } from './envelope.js';
import type { InvalidReason } from './types.js';

export type Decoded<T> =
  | { readonly ok: true; readonly data: T; readonly envelope: Envelope<T> | null }
  | { readonly ok: false; readonly reason: InvalidReason; readonly errors: readonly FieldError[] };

const NO_ERRORS: readonly FieldError[] = Object.freeze([]);

export function decodeMessage<T>(channel: ChannelDescriptor<T, string>, payload: Buffer, maxBytes: number): Decoded<T> {
  if (payload.length > maxBytes) {
    return invalid('too-large', [{ path: '', rule: 'maxBytes', message: `payload is ${payload.length} bytes, limit ${maxBytes}` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return invalid('json', [{ path: '', rule: 'json', message: err instanceof Error ? err.message : 'invalid JSON' }]);
  }
  const framing = channel.framing;
  if (framing.kind === 'bare') {
    const r = channel.validateData(value);
    return r.ok ? { ok: true, data: value as T, envelope: null } : invalid('schema', r.errors);
  }
  if (looksLikeEnvelope(value)) {
    const r = channel.validateEnvelope ? channel.validateEnvelope(value) : checkEnvelope(channel, value);
    if (r.ok) return { ok: true, data: value.data as T, envelope: value as unknown as Envelope<T> };
    return invalid(r.errors.some(isTypeError) ? 'event-type' : 'schema', r.errors);
  }
  if (framing.acceptBare) {
    const r = channel.validateData(value);
    return r.ok ? { ok: true, data: value as T, envelope: null } : invalid('schema', r.errors);
  }
  return invalid('not-envelope', [{ path: '', rule: 'envelope', message: 'expected an Envelope with type and data' }]);
}

function isTypeError(e: FieldError): boolean {
  return e.path === '/type';
}

function invalid(reason: InvalidReason, errors: readonly FieldError[]): Decoded<never> {
  return { ok: false, reason, errors: errors.length ? errors : NO_ERRORS };
}

/** Used when a descriptor has no compiled envelope validator: type in acceptedTypes, then data. */
function checkEnvelope<T>(channel: ChannelDescriptor<T, string>, env: { type: unknown; data: unknown }): ValidationResult {
  const f = channel.framing;
  if (f.kind === 'envelope' && (typeof env.type !== 'string' || !f.acceptedTypes.includes(env.type))) {
    return { ok: false, errors: [{ path: '/type', rule: 'enum', message: `must be one of ${f.acceptedTypes.join(', ')}` }] };
  }
  const r = channel.validateData(env.data);
  if (r.ok) return r;
  return { ok: false, errors: r.errors.map((e) => ({ ...e, path: `/data${e.path}` })) };
}
