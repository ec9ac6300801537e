/**
 * The inbound decode step of a channel: size → UTF-8 → JSON → shape limits → frame detection → validation.
 * Peers are hostile: every check that bounds work comes before the work it bounds, nothing here recurses over
 * peer data, and it never throws (a validator that throws is reported as invalid), so one bad message cannot
 * hurt the process.
 *
 * - Size: `maxBytes` before anything else.
 * - UTF-8: RFC 8259 §8.1 requires UTF-8 between systems; `buffer.isUtf8` refuses what `toString('utf8')` would
 *   silently turn into U+FFFD (the Python side refuses it too).
 * - JSON.parse is iterative in V8 (any depth parses without a stack overflow), so the shape walk runs after it:
 *   nesting deeper than `maxDepth`, and numbers that are not finite (`1e400` parses as Infinity, which JSON
 *   cannot carry back and which validators of `type: number` accept) are refused before validation.
 * - `__proto__` and `constructor` keys: JSON.parse makes them own data properties (no prototype is touched);
 *   schemas that forbid extra keys reject them, free-form fields keep them as inert data.
 */
import { isUtf8 } from 'node:buffer';
import type { ChannelDescriptor, Envelope, FieldError, ValidationResult, Validator } from './descriptor.js';
import { looksLikeEnvelope } from './envelope.js';
import { escapeToken } from './json-pointer.js';
import type { InvalidReason } from './types.js';

export type Decoded<T> =
  | { readonly ok: true; readonly data: T; readonly envelope: Envelope<T> | null; readonly message?: string }
  | { readonly ok: false; readonly reason: InvalidReason; readonly errors: readonly FieldError[] };

/** What a value is checked against: a channel, or one message of a multi-message channel. */
type Target = Pick<ChannelDescriptor<unknown, string>, 'framing' | 'validateData' | 'validateEnvelope'>;

export interface DecodeLimits {
  /** Payload size limit in bytes. */
  readonly maxBytes: number;
  /** Nesting limit of objects and arrays (the top-level value is depth 1). */
  readonly maxDepth: number;
}

export const DEFAULT_MAX_DEPTH = 64;

const NO_ERRORS: readonly FieldError[] = Object.freeze([]);

export function decodeMessage<T>(channel: ChannelDescriptor<T, string>, payload: Buffer, limits: DecodeLimits): Decoded<T> {
  if (payload.length > limits.maxBytes) {
    return invalid('too-large', [{ path: '', rule: 'maxBytes', message: `payload is ${payload.length} bytes, limit ${limits.maxBytes}` }]);
  }
  if (!isUtf8(payload)) {
    return invalid('encoding', [{ path: '', rule: 'utf8', message: 'payload is not valid UTF-8 (RFC 8259 §8.1)' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return invalid('json', [{ path: '', rule: 'json', message: err instanceof Error ? err.message : 'invalid JSON' }]);
  }
  const shape = checkShape(value, limits.maxDepth);
  if (shape !== null) return shape;
  const messages = channel.messages;
  if (messages === undefined || messages.length === 0) return decodeAs<T>(channel, value);
  // Several messages: the first the contract receives here that the value is, else the closest one's errors.
  let closest: Decoded<never> | undefined;
  for (const m of messages) {
    if (!m.receive) continue;
    const d = decodeAs<T>(m, value);
    if (d.ok) return { ...d, message: m.name };
    if (closest === undefined || (d as { errors: readonly FieldError[] }).errors.length < (closest as { errors: readonly FieldError[] }).errors.length) closest = d as Decoded<never>;
  }
  return closest ?? invalid('schema', [{ path: '', rule: 'message', message: 'the contract receives none of this channel\'s messages' }]);
}

/** Frame detection and validation of a parsed value against one target. */
function decodeAs<T>(target: Target, value: unknown): Decoded<T> {
  const framing = target.framing;
  if (framing.kind === 'bare') return viaValidator(target.validateData, value, null);
  if (looksLikeEnvelope(value)) {
    const r = guarded(target.validateEnvelope ?? ((v: unknown) => checkEnvelope(target, v as { type: unknown; data: unknown })), value);
    if (r.ok) return { ok: true, data: value.data as T, envelope: value as unknown as Envelope<T> };
    return invalid(r.errors.some(isTypeError) ? 'event-type' : 'schema', r.errors);
  }
  if (framing.acceptBare) return viaValidator(target.validateData, value, null);
  return invalid('not-envelope', [{ path: '', rule: 'envelope', message: 'expected an Envelope with type and data' }]);
}

function viaValidator<T>(validate: Validator, value: unknown, envelope: Envelope<T> | null): Decoded<T> {
  const r = guarded(validate, value);
  return r.ok ? { ok: true, data: value as T, envelope } : invalid('schema', r.errors);
}

/** Compiled validators never throw; a hand-written one might (or overflow on a recursive schema): contain it. */
function guarded(validate: Validator, value: unknown): ValidationResult {
  try {
    return validate(value);
  } catch (err) {
    return { ok: false, errors: [{ path: '', rule: 'validator', message: `validator failed: ${err instanceof Error ? err.message : String(err)}` }] };
  }
}

// Reused between calls: the walk allocates nothing per message for typical payloads.
const stackValues: unknown[] = [];
const stackDepths: number[] = [];

/**
 * Iterative walk of the parsed value: nesting depth and non-finite numbers. Returns the rejection (with the JSON
 * pointer of the offending value, found by a second walk only then), or null. Arrays and objects count one
 * level each.
 */
export function checkShape(value: unknown, maxDepth: number): Decoded<never> | null {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? shapeFailure(value, maxDepth) : null;
  }
  let sp = 0;
  let top = 0;
  stackValues[sp] = value;
  stackDepths[sp++] = 1;
  let failed = false;
  walk: while (sp > 0) {
    const v = stackValues[--sp] as object;
    const depth = stackDepths[sp]!;
    if (depth > maxDepth) {
      failed = true;
      break;
    }
    // The array and object branches repeat the same push/check on purpose: this runs for every value of every
    // received message, and a shared helper would add a call per value.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== null && typeof item === 'object') {
          stackValues[sp] = item;
          stackDepths[sp++] = depth + 1;
        } else if (typeof item === 'number' && !Number.isFinite(item)) {
          failed = true;
          break walk;
        }
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const item = o[k];
        if (item !== null && typeof item === 'object') {
          stackValues[sp] = item;
          stackDepths[sp++] = depth + 1;
        } else if (typeof item === 'number' && !Number.isFinite(item)) {
          failed = true;
          break walk;
        }
      }
    }
    if (sp > top) top = sp;
  }
  // Drop the references to peer data, so the reused stack keeps nothing alive.
  for (let i = 0; i <= top; i++) stackValues[i] = undefined;
  return failed ? shapeFailure(value, maxDepth) : null;
}

/** The rejection for a value that failed checkShape, with the pointer of the first offending place. */
function shapeFailure(value: unknown, maxDepth: number): Decoded<never> {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 1 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'number') {
      return invalid('number', [{ path, rule: 'finite', message: 'number is out of the range of a double (JSON has no Infinity)' }]);
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) {
      return invalid('too-deep', [{ path, rule: 'maxDepth', message: `nesting deeper than ${maxDepth} levels` }]);
    }
    const entries = Array.isArray(v) ? v.map((item, i) => [String(i), item] as const) : Object.entries(v as object);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, item] = entries[i]!;
      if (typeof item === 'number' && Number.isFinite(item)) continue;
      stack.push({ v: item, path: `${path}/${escapeToken(k)}`, depth: depth + 1 });
    }
  }
  return invalid('number', [{ path: '', rule: 'finite', message: 'number is out of the range of a double' }]);
}

function isTypeError(e: FieldError): boolean {
  return e.path === '/type';
}

function invalid(reason: InvalidReason, errors: readonly FieldError[]): Decoded<never> {
  return { ok: false, reason, errors: errors.length ? errors : NO_ERRORS };
}

/** Used when a descriptor has no compiled envelope validator: type in acceptedTypes, then data. */
function checkEnvelope(channel: Target, env: { type: unknown; data: unknown }): ValidationResult {
  const f = channel.framing;
  if (f.kind === 'envelope' && (typeof env.type !== 'string' || !f.acceptedTypes.includes(env.type))) {
    return { ok: false, errors: [{ path: '/type', rule: 'enum', message: `must be one of ${f.acceptedTypes.join(', ')}` }] };
  }
  const r = channel.validateData(env.data);
  if (r.ok) return r;
  return { ok: false, errors: r.errors.map((e) => ({ ...e, path: `/data${e.path}` })) };
}
