/**
 * Tiny hand-written ChannelDescriptors for the runtime's integration tests. The validators are written by hand
 * (no Ajv), report errors the way the generated Ajv validators do (JSON pointer paths, JSON Schema keywords),
 * and are pure and non-throwing like the real ones.
 *
 * Every test channel has one parameter, `run`, so each test uses its own topics: itest/{run}/...
 */
import type { ChannelDescriptor, FieldError, QoS, ValidationResult, Validator } from '../../../runtime/descriptor.js';

/** The payload model of the test channels: extra keys forbidden. */
export interface Reading {
  /** integer >= 0: a sequence number the tests count by. */
  n: number;
  text?: string;
}

export const READING_TYPE = 'test.reading';
export const READING_LEGACY_TYPE = 'test.reading.v0';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const result = (errors: FieldError[]): ValidationResult => (errors.length === 0 ? { ok: true } : { ok: false, errors });

export const validateReading: Validator = (value) => {
  if (!isObject(value)) return result([{ path: '', message: 'must be object', rule: 'type' }]);
  const errors: FieldError[] = [];
  if (!('n' in value)) errors.push({ path: '/n', message: "must have required property 'n'", rule: 'required' });
  else if (typeof value.n !== 'number' || !Number.isInteger(value.n)) errors.push({ path: '/n', message: 'must be integer', rule: 'type' });
  else if (value.n < 0) errors.push({ path: '/n', message: 'must be >= 0', rule: 'minimum' });
  if ('text' in value && typeof value.text !== 'string') errors.push({ path: '/text', message: 'must be string', rule: 'type' });
  for (const k of Object.keys(value)) {
    if (k !== 'n' && k !== 'text') errors.push({ path: `/${k}`, message: 'must NOT have additional properties', rule: 'additionalProperties' });
  }
  return result(errors);
};

const ENVELOPE_KEYS = new Set(['id', 'type', 'ts', 'source', 'data']);

/** Whole-Envelope validator: the five keys only, `type` one of `accepted`, `data` valid per `validateData`. */
export function envelopeValidator(accepted: readonly string[], validateData: Validator): Validator {
  return (value) => {
    if (!isObject(value)) return result([{ path: '', message: 'must be object', rule: 'type' }]);
    const errors: FieldError[] = [];
    for (const k of Object.keys(value)) {
      if (!ENVELOPE_KEYS.has(k)) errors.push({ path: `/${k}`, message: 'must NOT have additional properties', rule: 'additionalProperties' });
    }
    if (!('type' in value)) errors.push({ path: '/type', message: "must have required property 'type'", rule: 'required' });
    else if (typeof value.type !== 'string') errors.push({ path: '/type', message: 'must be string', rule: 'type' });
    else if (!accepted.includes(value.type)) {
      errors.push({ path: '/type', message: 'must be equal to one of the allowed values', rule: 'enum' });
    }
    if ('id' in value && typeof value.id !== 'string') errors.push({ path: '/id', message: 'must be string', rule: 'type' });
    if ('ts' in value && typeof value.ts !== 'number') errors.push({ path: '/ts', message: 'must be number', rule: 'type' });
    if ('source' in value && typeof value.source !== 'string') errors.push({ path: '/source', message: 'must be string', rule: 'type' });
    if (!('data' in value)) errors.push({ path: '/data', message: "must have required property 'data'", rule: 'required' });
    else if (!isObject(value.data)) errors.push({ path: '/data', message: 'must be object', rule: 'type' });
    else {
      const r = validateData(value.data);
      if (!r.ok) for (const e of r.errors) errors.push({ ...e, path: `/data${e.path}` });
    }
    return result(errors);
  };
}

/** An enveloped Reading channel at itest/{run}/<leaf>. */
export function readingChannel(id: string, leaf: string, qos: QoS, retain: boolean): ChannelDescriptor<Reading, 'run'> {
  const accepted = [READING_TYPE, READING_LEGACY_TYPE];
  return {
    id,
    address: `itest/{run}/${leaf}`,
    parameters: ['run'],
    qos,
    retain,
    framing: { kind: 'envelope', eventType: READING_TYPE, acceptedTypes: accepted, acceptBare: false, publishBare: false },
    validateData: validateReading,
    validateEnvelope: envelopeValidator(accepted, validateReading),
    correlation: null,
    reply: null,
    description: `integration test channel, QoS ${qos}${retain ? ', retained' : ''}`,
  };
}

export const readingQ0 = readingChannel('readingQ0', 'q0', 0, false);
export const readingQ1 = readingChannel('readingQ1', 'q1', 1, false);
export const readingQ2 = readingChannel('readingQ2', 'q2', 2, false);
/** QoS 1 + retain. */
export const readingRetained = readingChannel('readingRetained', 'retained', 1, true);

/** A bare (not enveloped) Reading channel at itest/{run}/bare, QoS 1. */
export const readingBare: ChannelDescriptor<Reading, 'run'> = {
  id: 'readingBare',
  address: 'itest/{run}/bare',
  parameters: ['run'],
  qos: 1,
  retain: false,
  framing: { kind: 'bare' },
  validateData: validateReading,
  validateEnvelope: null,
  correlation: null,
  reply: null,
};

let seq = 0;
/** A unique value for the `run` parameter (one topic namespace per test). */
export function runId(prefix = 'r'): string {
  seq += 1;
  return `${prefix}${process.pid}x${seq}x${Math.random().toString(36).slice(2, 8)}`;
}
