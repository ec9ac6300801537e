/**
 * Table-driven contract tests: every topic of the TARS bus (test/contract/cases.ts) against the generated
 * validators. Valid payloads pass; each broken rule fails with the expected JSON pointer and keyword; Envelopes
 * are checked per channel (canonical and live types, extra keys, missing keys, data errors under /data).
 */
import { describe, expect, it } from 'vitest';
import { validateEnvelope, validatePayload } from '../../generated/index.js';
import { allChannelIds, cases, unknownTopics, type InvalidCase, type Kind, type TopicCase } from './cases.js';

interface FieldError {
  readonly path: string;
  readonly message: string;
  readonly rule: string;
}
type Result = { readonly ok: true } | { readonly ok: false; readonly errors: readonly FieldError[] };

const payload = (topic: string, data: unknown): Result => validatePayload(topic, data) as Result;
const envelope = (topic: string, env: unknown): Result => validateEnvelope(topic, env) as Result;

const errorsOf = (r: Result): readonly FieldError[] => (r.ok ? [] : r.errors);
const show = (r: Result) => JSON.stringify(errorsOf(r));

function expectPass(r: Result) {
  expect(r.ok, `expected ok, got errors ${show(r)}`).toBe(true);
}

/** Fails with an error at `path` (and, when given, with that keyword at that path). */
function expectFailAt(r: Result, path: string, rule?: string) {
  expect(r.ok).toBe(false);
  const errors = errorsOf(r);
  expect(errors.map((e) => e.path), show(r)).toContain(path);
  if (rule !== undefined) {
    expect(
      errors.filter((e) => e.path === path).map((e) => e.rule),
      show(r),
    ).toContain(rule);
  }
  for (const e of errors) {
    expect(typeof e.message).toBe('string');
    expect(e.path === '' || e.path.startsWith('/'), `path "${e.path}" is a JSON pointer`).toBe(true);
  }
}

const ENV_ID = '0123456789abcdef0123456789abcdef';
const wrap = (type: string, data: unknown) => ({ id: ENV_ID, type, ts: 1762430400.5, source: 'contract-test', data });

const enveloped = cases.filter((c): c is TopicCase & { envelope: NonNullable<TopicCase['envelope']> } => c.envelope !== null);
const bare = cases.filter((c) => c.envelope === null);

describe('the case table', () => {
  it('covers all 34 channels of the contract', () => {
    expect(allChannelIds).toHaveLength(34);
    expect(new Set(cases.map((c) => c.channel))).toEqual(new Set(allChannelIds));
  });

  it('gives every topic at least one valid and one invalid payload', () => {
    for (const c of cases) {
      expect(c.valid.length, c.topic).toBeGreaterThan(0);
      expect(c.invalid.length, c.topic).toBeGreaterThan(0);
    }
  });

  it('covers every kind of rule somewhere', () => {
    const kinds = new Set<Kind>(cases.flatMap((c) => c.invalid.map((i) => i.kind)));
    const all: Kind[] = ['extra-key', 'missing-required', 'wrong-type', 'out-of-range', 'enum', 'null-not-nullable', 'one-of', 'key-format'];
    for (const k of all) expect(kinds, k).toContain(k);
  });
});

describe.each(cases)('$topic ($channel)', (c) => {
  const valid = c.valid.map((data, i) => ({ i, data }));

  it.each(valid)('accepts valid payload #$i', ({ data }) => {
    expectPass(payload(c.topic, data));
  });

  it.each(c.invalid as InvalidCase[])('rejects $name at "$path"', (k) => {
    expectFailAt(payload(c.topic, k.data), k.path, k.rule);
  });
});

describe.each(enveloped)('$topic Envelope', (c) => {
  const { type, live } = c.envelope;
  const first = c.valid[0];
  const firstInvalid = c.invalid[0]!;

  it.each(c.valid.map((data, i) => ({ i, data })))('accepts a full Envelope around valid payload #$i', ({ data }) => {
    expectPass(envelope(c.topic, wrap(type, data)));
  });

  it('accepts a minimal Envelope {type, data}', () => {
    expectPass(envelope(c.topic, { type, data: first }));
  });

  for (const t of live) {
    it(`accepts the live event type ${t}`, () => {
      expectPass(envelope(c.topic, wrap(t, first)));
    });
  }

  it('rejects a wrong event type at /type', () => {
    const r = envelope(c.topic, wrap('bogus.type', first));
    expectFailAt(r, '/type');
    expect(['const', 'enum']).toContain(errorsOf(r).find((e) => e.path === '/type')!.rule);
  });

  it('rejects an unknown Envelope key', () => {
    expectFailAt(envelope(c.topic, { ...wrap(type, first), bogus: 1 }), '/bogus', 'additionalProperties');
  });

  it('rejects an Envelope without data or type', () => {
    expectFailAt(envelope(c.topic, { id: ENV_ID, type }), '/data', 'required');
    expectFailAt(envelope(c.topic, { id: ENV_ID, data: first }), '/type', 'required');
  });

  it('rejects Envelope fields of the wrong type', () => {
    for (const data of [[first], null, 'text']) {
      const r = envelope(c.topic, { ...wrap(type, first), data });
      expectFailAt(r, '/data');
      // a oneOf model (character/result, character/update) reports the oneOf when no branch fits the type
      expect(['type', 'oneOf']).toContain(errorsOf(r).find((e) => e.path === '/data')!.rule);
    }
    expectFailAt(envelope(c.topic, { ...wrap(type, first), ts: '1762430400' }), '/ts', 'type');
    expectFailAt(envelope(c.topic, { ...wrap(type, first), id: 42 }), '/id', 'type');
  });

  it(`reports a payload error under /data (${firstInvalid.name})`, () => {
    const path = `/data${firstInvalid.path}`;
    expectFailAt(envelope(c.topic, wrap(type, firstInvalid.data)), path, firstInvalid.rule);
  });
});

describe.each(enveloped.filter((c) => c.envelope.bare !== 'never'))('$topic (Envelope, bare $envelope.bare)', (c) => {
  it('validateEnvelope checks the Envelope form only; the bare form is checked by validatePayload', () => {
    const model = c.valid[0];
    expectPass(payload(c.topic, model));
    expect(envelope(c.topic, model).ok).toBe(false);
    expectPass(envelope(c.topic, wrap(c.envelope.type, model)));
  });
});

describe.each(bare)('$topic (bare channel)', (c) => {
  it('validates the whole message as the model', () => {
    expectPass(payload(c.topic, c.valid[0]));
  });

  it('validateEnvelope validates the wire message as the bare model', () => {
    for (const data of c.valid) expectPass(envelope(c.topic, data));
    const k = c.invalid[0]!;
    expectFailAt(envelope(c.topic, k.data), k.path, k.rule);
  });

  it('does not accept an Envelope-wrapped payload as the model', () => {
    const r = payload(c.topic, wrap('health.status', c.valid[0]));
    expect(r.ok).toBe(false);
  });

  it('has no Envelope framing: an Envelope does not pass validateEnvelope', () => {
    expect(envelope(c.topic, wrap('health.status', c.valid[0])).ok).toBe(false);
  });
});

describe('extra-keys policy', () => {
  it.each([
    { topic: 'llm/tools/registry', data: { tools: [{ function: { name: 'x' }, unknown: 1 }], message_id: 'm', extra: true } },
    { topic: 'llm/tool.call.request', data: { call_id: 'c', name: 'n', unknown: { a: 1 } } },
    { topic: 'llm/tool.call.result', data: { call_id: 'c', unknown: [] } },
    { topic: 'system/keepalive/tars-stt', data: { timestamp: 1, unknown: 'x' } },
  ])('$topic ignores unknown keys', ({ topic, data }) => {
    expectPass(payload(topic, data));
  });

  it.each([
    { topic: 'stt/final', data: { text: 'x', unknown: 1 } },
    { topic: 'system/health/tars-llm', data: { ok: true, unknown: 1 } },
    { topic: 'movement/status', data: { event: 'connected', unknown: 1 } },
  ])('$topic forbids unknown keys', ({ topic, data }) => {
    expectFailAt(payload(topic, data), '/unknown', 'additionalProperties');
  });
});

describe('integer vs number', () => {
  it('rejects 2.5 for an integer and accepts 2.0', () => {
    expectFailAt(payload('memory/query', { text: 'x', top_k: 2.5 }), '/top_k', 'type');
    expectPass(payload('memory/query', { text: 'x', top_k: 2.0 }));
  });

  it('accepts an integral value for a number', () => {
    expectPass(payload('camera/frame', { frame_data: '', width: 1, height: 1, frame_number: 0, fps: 5 }));
    expectPass(payload('system/keepalive/tars-llm', { timestamp: 5 }));
  });
});

describe('movement/frame channels (dict[int, int])', () => {
  const frame = (channels: unknown) => ({ id: 'c', seq: 0, total: 1, duration_ms: 1, hold_ms: 1, channels });

  it.each([{ '0': 1500 }, { '15': 1200, '-1': 0 }, {}])('accepts integer keys %j', (channels) => {
    expectPass(payload('movement/frame', frame(channels)));
  });

  it.each(['left_hip', 'ch0', '1.5', ''])('rejects the key "%s"', (key) => {
    const r = payload('movement/frame', frame({ [key]: 1500 }));
    expect(r.ok).toBe(false);
    expect(errorsOf(r).some((e) => e.path.startsWith('/channels')), show(r)).toBe(true);
  });
});

describe('character/result oneOf', () => {
  it('accepts a snapshot and a section, and nothing that is both or neither', () => {
    expectPass(payload('character/result', { name: 'TARS' }));
    expectPass(payload('character/result', { section: 'traits', value: { humor: 1 } }));
    expect(payload('character/result', { name: 'TARS', section: 'traits' }).ok).toBe(false);
    expect(payload('character/result', { value: 'x' }).ok).toBe(false);
  });
});

describe('unknown topics', () => {
  it.each(unknownTopics.map((topic) => ({ topic })))('"$topic" is an error, not a pass', ({ topic }) => {
    for (const r of [payload(topic, {}), envelope(topic, wrap('x', {}))]) {
      expect(r.ok).toBe(false);
      const errors = errorsOf(r);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.some((e) => e.rule === 'topic' && e.path === '' && (topic === '' || e.message.includes(topic))), show(r)).toBe(true);
    }
  });
});
