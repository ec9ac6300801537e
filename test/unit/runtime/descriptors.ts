/** Hand-written tiny descriptors with simple validators (generated ones are not used by unit tests). */
import type { ChannelDescriptor, FieldError, ValidationResult } from '../../../runtime/index.js';

export interface Say {
  text: string;
  utt_id?: string;
  seq?: number;
}

const fail = (path: string, rule: string, message: string): ValidationResult => ({ ok: false, errors: [{ path, rule, message }] });

export function validateSay(v: unknown): ValidationResult {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('', 'type', 'must be object');
  const o = v as Record<string, unknown>;
  if (!('text' in o)) return fail('/text', 'required', 'is required');
  if (typeof o['text'] !== 'string') return fail('/text', 'type', 'must be string');
  for (const k of Object.keys(o)) if (!['text', 'utt_id', 'seq'].includes(k)) return fail(`/${k}`, 'additionalProperties', 'not allowed');
  return { ok: true };
}

export function validateSayEnvelope(v: unknown): ValidationResult {
  const o = v as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (o['type'] !== 'tts.say') errors.push({ path: '/type', rule: 'const', message: 'must be tts.say' });
  for (const k of Object.keys(o)) if (!['id', 'type', 'ts', 'source', 'data'].includes(k)) errors.push({ path: `/${k}`, rule: 'additionalProperties', message: 'not allowed' });
  const d = validateSay(o['data']);
  if (!d.ok) for (const e of d.errors) errors.push({ ...e, path: `/data${e.path}` });
  return errors.length ? { ok: false, errors } : { ok: true };
}

export const ttsSay: ChannelDescriptor<Say, never> = {
  id: 'ttsSay',
  address: 'tts/say',
  parameters: [],
  qos: 1,
  retain: false,
  framing: { kind: 'envelope', eventType: 'tts.say', acceptedTypes: ['tts.say'], acceptBare: false, publishBare: false },
  validateData: validateSay,
  validateEnvelope: validateSayEnvelope,
  correlation: null,
  reply: null,
};

export const ttsSayLenient: ChannelDescriptor<Say, never> = {
  ...ttsSay,
  id: 'ttsSayLenient',
  framing: { kind: 'envelope', eventType: 'tts.say', acceptedTypes: ['tts.say'], acceptBare: true, publishBare: false },
};

export const status: ChannelDescriptor<Say, 'client_id'> = {
  id: 'status',
  address: 'svc/status/{client_id}',
  parameters: ['client_id'],
  qos: 0,
  retain: true,
  framing: { kind: 'envelope', eventType: 'svc.status', acceptedTypes: ['svc.status', 'svc.legacy'], acceptBare: false, publishBare: false },
  validateData: validateSay,
  validateEnvelope: null,
  correlation: null,
  reply: null,
};

export const bareSay: ChannelDescriptor<Say, never> = {
  id: 'bareSay',
  address: 'bare/say',
  parameters: [],
  qos: 0,
  retain: false,
  framing: { kind: 'bare' },
  validateData: validateSay,
  validateEnvelope: null,
  correlation: null,
  reply: null,
};

export function env(data: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'a'.repeat(32), type: 'tts.say', ts: 1.5, source: 'test', data, ...extra };
}
