/**
 * The cross-language cases: every payload and Envelope case of the TypeScript contract tests (test/contract/cases.ts,
 * as contract.test.ts builds them), plus probes where Python's lax mode (and, for JSON text TypeScript cannot tell
 * apart, strict mode) is known to differ. Each carries the wire JSON text and the TypeScript verdict; the pytest side
 * (test/python/test_contract.py) asserts the Python verdicts.
 */
import { validateEnvelope, validatePayload } from '../../generated/index.js';
import { cases, unknownTopics } from '../contract/cases.js';

export interface CrossCase {
  readonly id: string;
  readonly kind: 'payload' | 'envelope';
  readonly topic: string;
  /** The wire JSON text. */
  readonly raw: string;
  /** The TypeScript validators' verdict and error paths. */
  readonly ts: boolean;
  readonly tsPaths: readonly string[];
  /** The TypeScript validators' errors as [path, rule]. */
  readonly tsErrors: readonly (readonly [string, string])[];
  /** The path contract.test.ts expects among the errors (invalid cases). */
  readonly expectPath?: string;
}

interface Result {
  readonly ok: boolean;
  readonly errors?: readonly { readonly path: string; readonly rule: string }[];
}

const ENV_ID = '0123456789abcdef0123456789abcdef';
const wrap = (type: string, data: unknown) => ({ id: ENV_ID, type, ts: 1762430400.5, source: 'contract-test', data });

export function crossCases(): CrossCase[] {
  const out: CrossCase[] = [];
  const add = (id: string, kind: 'payload' | 'envelope', topic: string, value: unknown, expectPath?: string, raw?: string) => {
    const r = (kind === 'payload' ? validatePayload(topic, value) : validateEnvelope(topic, value)) as Result;
    const errors = r.ok ? [] : (r.errors ?? []);
    out.push({ id, kind, topic, raw: raw ?? JSON.stringify(value), ts: r.ok, tsPaths: errors.map((e) => e.path), tsErrors: errors.map((e) => [e.path, e.rule] as const), ...(expectPath !== undefined ? { expectPath } : {}) });
  };
  for (const c of cases) {
    c.valid.forEach((d, i) => add(`${c.topic} valid #${i}`, 'payload', c.topic, d));
    for (const k of c.invalid) add(`${c.topic} invalid: ${k.name}`, 'payload', c.topic, k.data, k.path);
    if (c.envelope !== null) {
      const { type, live } = c.envelope;
      const first = c.valid[0];
      c.valid.forEach((d, i) => add(`${c.topic} envelope around valid #${i}`, 'envelope', c.topic, wrap(type, d)));
      add(`${c.topic} minimal envelope`, 'envelope', c.topic, { type, data: first });
      for (const t of live) add(`${c.topic} envelope live type ${t}`, 'envelope', c.topic, wrap(t, first));
      add(`${c.topic} envelope wrong type`, 'envelope', c.topic, wrap('bogus.type', first), '/type');
      add(`${c.topic} envelope unknown key`, 'envelope', c.topic, { ...wrap(type, first), bogus: 1 }, '/bogus');
      add(`${c.topic} envelope without data`, 'envelope', c.topic, { id: ENV_ID, type }, '/data');
      add(`${c.topic} envelope without type`, 'envelope', c.topic, { id: ENV_ID, data: first }, '/type');
      [[first], null, 'text'].forEach((data, i) => add(`${c.topic} envelope data of the wrong type #${i}`, 'envelope', c.topic, { ...wrap(type, first), data }, '/data'));
      add(`${c.topic} envelope ts as a string`, 'envelope', c.topic, { ...wrap(type, first), ts: '1762430400' }, '/ts');
      add(`${c.topic} envelope id as a number`, 'envelope', c.topic, { ...wrap(type, first), id: 42 }, '/id');
      const bad = c.invalid[0]!;
      add(`${c.topic} envelope around invalid: ${bad.name}`, 'envelope', c.topic, wrap(type, bad.data), `/data${bad.path}`);
      if (c.envelope.bare !== 'never') add(`${c.topic} bare model through validateEnvelope`, 'envelope', c.topic, first);
    } else {
      c.valid.forEach((d, i) => add(`${c.topic} bare wire message #${i}`, 'envelope', c.topic, d));
      add(`${c.topic} bare wire message invalid`, 'envelope', c.topic, c.invalid[0]!.data, c.invalid[0]!.path);
      add(`${c.topic} envelope on a bare channel (payload)`, 'payload', c.topic, wrap('health.status', c.valid[0]));
      add(`${c.topic} envelope on a bare channel (envelope)`, 'envelope', c.topic, wrap('health.status', c.valid[0]));
    }
  }
  // contract.test.ts's own tables
  add('extra keys ignored: llm/tools/registry', 'payload', 'llm/tools/registry', { tools: [{ function: { name: 'x' }, unknown: 1 }], message_id: 'm', extra: true });
  add('extra keys ignored: llm/tool.call.request', 'payload', 'llm/tool.call.request', { call_id: 'c', name: 'n', unknown: { a: 1 } });
  add('extra keys ignored: llm/tool.call.result', 'payload', 'llm/tool.call.result', { call_id: 'c', unknown: [] });
  add('extra keys ignored: system/keepalive', 'payload', 'system/keepalive/tars-stt', { timestamp: 1, unknown: 'x' });
  add('extra keys forbidden: stt/final', 'payload', 'stt/final', { text: 'x', unknown: 1 }, '/unknown');
  add('extra keys forbidden: system/health', 'payload', 'system/health/tars-llm', { ok: true, unknown: 1 }, '/unknown');
  add('extra keys forbidden: movement/status', 'payload', 'movement/status', { event: 'connected', unknown: 1 }, '/unknown');
  add('integer 2.5 refused', 'payload', 'memory/query', { text: 'x', top_k: 2.5 }, '/top_k');
  add('integer 2.0 accepted (JSON text 2)', 'payload', 'memory/query', { text: 'x', top_k: 2.0 });
  add('integral number accepted', 'payload', 'camera/frame', { frame_data: '', width: 1, height: 1, frame_number: 0, fps: 5 });
  add('integral timestamp accepted', 'payload', 'system/keepalive/tars-llm', { timestamp: 5 });
  const frame = (channels: unknown) => ({ id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels });
  for (const ch of [{ '0': 1500 }, { '15': 1200, '-1': 0 }, {}]) add(`servo keys ${JSON.stringify(ch)}`, 'payload', 'movement/frame', frame(ch));
  for (const key of ['left_hip', 'ch0', '1.5', '']) add(`servo key "${key}" refused`, 'payload', 'movement/frame', frame({ [key]: 1500 }));
  add('character/result snapshot', 'payload', 'character/result', { name: 'TARS' });
  add('character/result section', 'payload', 'character/result', { section: 'traits', value: { humor: 1 } });
  add('character/result both', 'payload', 'character/result', { name: 'TARS', section: 'traits' });
  add('character/result neither', 'payload', 'character/result', { value: 'x' });
  for (const t of unknownTopics) {
    add(`unknown topic ${JSON.stringify(t)} (payload)`, 'payload', t, {}, '');
    add(`unknown topic ${JSON.stringify(t)} (envelope)`, 'envelope', t, wrap('x', {}), '');
  }
  return out;
}

/**
 * Inputs where Python differs from the TypeScript validators, asserted by test_contract.py as listed differences:
 * lax mode coerces (numeric strings, "true"/1 for booleans, ...); strict mode refuses the JSON text `2.0` for an
 * integer (TypeScript parses it to 2 and cannot tell).
 */
export function probeCases(): CrossCase[] {
  const out: CrossCase[] = [];
  const add = (id: string, topic: string, raw: string) => {
    const r = validatePayload(topic, JSON.parse(raw)) as Result;
    const errors = r.ok ? [] : (r.errors ?? []);
    out.push({ id, kind: 'payload', topic, raw, ts: r.ok, tsPaths: errors.map((e) => e.path), tsErrors: errors.map((e) => [e.path, e.rule] as const) });
  };
  add('numeric string for an integer', 'memory/query', '{"text":"x","top_k":"5"}');
  add('numeric string for a number', 'stt/final', '{"text":"x","confidence":"0.5"}');
  add('"true" for a boolean', 'stt/final', '{"text":"x","is_final":"true"}');
  add('1 for a boolean', 'stt/final', '{"text":"x","is_final":1}');
  add('true for a number', 'stt/final', '{"text":"x","ts":true}');
  add('true for an integer', 'memory/query', '{"text":"x","top_k":true}');
  add('JSON text 2.0 for an integer', 'memory/query', '{"text":"x","top_k":2.0}');
  return out;
}
