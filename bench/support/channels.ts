/**
 * Channel descriptors for the benches: the generated ones (generated/channels.ts) when they exist, else
 * hand-written equivalents (same address, framing, QoS, and validators that check the same rules as the
 * contract's FinalTranscript / LLMRequest / LLMResponse) so the benches run before the generator lands.
 */
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ChannelDescriptor, FieldError, ValidationResult, Validator } from '../../runtime/descriptor.js';

export const ROOT = new URL('../../', import.meta.url);

/** Where the typed bench finds publishSttFinal/subscribeSttFinal (relative to the repo root). */
export const TYPED_MODULE = process.env.BENCH_TYPED_MODULE ?? 'generated/index.js';

export interface FinalTranscript {
  message_id?: string;
  text: string;
  lang?: string;
  confidence?: number | null;
  utt_id?: string | null;
  ts?: number;
  is_final?: boolean;
}

const OK: ValidationResult = Object.freeze({ ok: true });
const fail = (path: string, message: string, rule: string): ValidationResult => ({
  ok: false,
  errors: [{ path, message, rule } satisfies FieldError],
});
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const FT_KEYS = new Set(['message_id', 'text', 'lang', 'confidence', 'utt_id', 'ts', 'is_final']);
/** Hand-written FinalTranscript check (forbid extra keys; confidence 0..1 or null; utt_id string|null). */
export const validateFinalTranscript: Validator = (v) => {
  if (!isObj(v)) return fail('', 'must be object', 'type');
  if (typeof v.text !== 'string') return fail('/text', v.text === undefined ? "must have required property 'text'" : 'must be string', v.text === undefined ? 'required' : 'type');
  for (const k in v) {
    if (!FT_KEYS.has(k)) return fail('/' + k, 'must NOT have additional properties', 'additionalProperties');
  }
  if (v.message_id !== undefined && typeof v.message_id !== 'string') return fail('/message_id', 'must be string', 'type');
  if (v.lang !== undefined && typeof v.lang !== 'string') return fail('/lang', 'must be string', 'type');
  const c = v.confidence;
  if (c !== undefined && c !== null) {
    if (typeof c !== 'number') return fail('/confidence', 'must be number,null', 'type');
    if (c < 0) return fail('/confidence', 'must be >= 0', 'minimum');
    if (c > 1) return fail('/confidence', 'must be <= 1', 'maximum');
  }
  if (v.utt_id !== undefined && v.utt_id !== null && typeof v.utt_id !== 'string') return fail('/utt_id', 'must be string,null', 'type');
  if (v.ts !== undefined && typeof v.ts !== 'number') return fail('/ts', 'must be number', 'type');
  if (v.is_final !== undefined && typeof v.is_final !== 'boolean') return fail('/is_final', 'must be boolean', 'type');
  return OK;
};

const ENV_KEYS = new Set(['id', 'type', 'ts', 'source', 'data']);
function envelopeValidator(acceptedTypes: readonly string[], data: Validator): Validator {
  return (v) => {
    if (!isObj(v)) return fail('', 'must be object', 'type');
    for (const k in v) if (!ENV_KEYS.has(k)) return fail('/' + k, 'must NOT have additional properties', 'additionalProperties');
    if (typeof v.type !== 'string') return fail('/type', 'must be string', v.type === undefined ? 'required' : 'type');
    if (!acceptedTypes.includes(v.type)) return fail('/type', 'must be equal to one of the allowed values', 'enum');
    if (v.id !== undefined && typeof v.id !== 'string') return fail('/id', 'must be string', 'type');
    if (v.ts !== undefined && typeof v.ts !== 'number') return fail('/ts', 'must be number', 'type');
    if (v.source !== undefined && typeof v.source !== 'string') return fail('/source', 'must be string', 'type');
    if (!isObj(v.data)) return fail('/data', 'must be object', v.data === undefined ? 'required' : 'type');
    const r = data(v.data);
    if (r.ok) return OK;
    return { ok: false, errors: r.errors.map((e) => ({ ...e, path: '/data' + e.path })) };
  };
}

const optStrOrNull = (v: unknown) => v === undefined || v === null || typeof v === 'string';
function simpleModel(required: readonly string[], fields: Record<string, (v: unknown) => boolean>): Validator {
  const keys = new Set(Object.keys(fields));
  return (v) => {
    if (!isObj(v)) return fail('', 'must be object', 'type');
    for (const r of required) if (v[r] === undefined) return fail('/' + r, `must have required property '${r}'`, 'required');
    for (const k in v) {
      if (!keys.has(k)) return fail('/' + k, 'must NOT have additional properties', 'additionalProperties');
      if (!fields[k]!(v[k])) return fail('/' + k, 'wrong type', 'type');
    }
    return OK;
  };
}
const isStr = (v: unknown) => typeof v === 'string';
const objOrNull = (v: unknown) => v === undefined || v === null || isObj(v);

const envelopeFraming = (eventType: string) =>
  ({ kind: 'envelope', eventType, acceptedTypes: [eventType], acceptBare: false, publishBare: false }) as const;

export const benchSttFinalChannel: ChannelDescriptor<FinalTranscript, never> = {
  id: 'sttFinal',
  address: 'stt/final',
  parameters: [],
  qos: 1,
  retain: false,
  framing: envelopeFraming('stt.final'),
  validateData: validateFinalTranscript,
  validateEnvelope: envelopeValidator(['stt.final'], validateFinalTranscript),
  correlation: null,
  reply: null,
};

const validateLlmRequest = simpleModel(['id', 'text'], {
  message_id: isStr, id: isStr, text: isStr,
  stream: (v) => typeof v === 'boolean',
  use_rag: (v) => v === null || typeof v === 'boolean',
  rag_k: (v) => v === null || Number.isInteger(v),
  system: optStrOrNull, params: objOrNull,
  conversation_history: (v) => v === null || Array.isArray(v),
});
const validateLlmResponse = simpleModel(['id'], {
  message_id: isStr, id: isStr, reply: optStrOrNull, error: optStrOrNull, provider: optStrOrNull, model: optStrOrNull, tokens: objOrNull,
});

export const benchLlmRequestChannel: ChannelDescriptor<{ id: string; text: string; [k: string]: unknown }, never> = {
  id: 'llmRequest', address: 'llm/request', parameters: [], qos: 1, retain: false,
  framing: envelopeFraming('llm.request'), validateData: validateLlmRequest,
  validateEnvelope: envelopeValidator(['llm.request'], validateLlmRequest),
  correlation: { location: '$message.payload#/data/id' }, reply: 'llmResponse',
};
export const benchLlmResponseChannel: ChannelDescriptor<{ id: string; reply?: string | null; [k: string]: unknown }, never> = {
  id: 'llmResponse', address: 'llm/response', parameters: [], qos: 1, retain: false,
  framing: envelopeFraming('llm.response'), validateData: validateLlmResponse,
  validateEnvelope: envelopeValidator(['llm.response'], validateLlmResponse),
  correlation: { location: '$message.payload#/data/id' }, reply: null,
};

/** Dynamic import that tsc does not resolve (the module may not exist yet). */
export async function importOptional<T = any>(relFromRoot: string): Promise<T | null> {
  const url = new URL(relFromRoot, ROOT);
  const tsPath = url.pathname.replace(/\.js$/, '.ts');
  if (!existsSync(tsPath) && !existsSync(url.pathname)) return null;
  const spec: string = url.href;
  return (await import(spec)) as T;
}

export interface BenchChannels {
  sttFinal: ChannelDescriptor<FinalTranscript, never>;
  llmRequest: ChannelDescriptor<any, never>;
  llmResponse: ChannelDescriptor<any, never>;
  /** 'generated' or 'bench fallback' */
  source: string;
}

let cached: BenchChannels | null = null;
export async function loadChannels(): Promise<BenchChannels> {
  if (cached) return cached;
  const gen = await importOptional<Record<string, any>>('generated/channels.js').catch(() => null);
  if (gen && gen.sttFinalChannel) {
    cached = {
      sttFinal: gen.sttFinalChannel,
      llmRequest: gen.llmRequestChannel ?? benchLlmRequestChannel,
      llmResponse: gen.llmResponseChannel ?? benchLlmResponseChannel,
      source: 'generated',
    };
  } else {
    cached = { sttFinal: benchSttFinalChannel, llmRequest: benchLlmRequestChannel, llmResponse: benchLlmResponseChannel, source: 'bench fallback' };
  }
  return cached;
}

/** A full FinalTranscript as the Python stt-worker sends it (every field present). */
export function sampleFinalTranscript(text = 'turn on the lights in the kitchen please'): FinalTranscript {
  return {
    message_id: randomUUID().replaceAll('-', ''),
    text,
    lang: 'en',
    confidence: 0.93,
    utt_id: null,
    ts: 1764240000.123456,
    is_final: true,
  };
}

/** The equivalent wire Envelope, serialised once (what the raw side publishes). */
export function envelopeJson(data: unknown, type = 'stt.final', source = 'bench-pub'): string {
  return JSON.stringify({ id: randomUUID().replaceAll('-', ''), type, ts: Date.now() / 1000, source, data });
}
