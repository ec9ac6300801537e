import { describe, expect, it } from 'vitest';
import { createTopicCatalog } from '../../../runtime/catalog.js';
import type { ChannelDescriptor, ValidationResult } from '../../../runtime/descriptor.js';

const ok: ValidationResult = { ok: true };
const fail = (path: string): ValidationResult => ({ ok: false, errors: [{ path, message: 'bad', rule: 'type' }] });

function channel(id: string, address: string, opts: { envelope?: boolean } = {}): ChannelDescriptor<never, string> {
  const parameters = [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return {
    id, address, parameters, qos: 0, retain: false,
    framing: opts.envelope ? { kind: 'envelope', eventType: id, acceptedTypes: [id], acceptBare: false, publishBare: false } : { kind: 'bare' },
    validateData: (v) => (typeof v === 'object' && v !== null ? ok : fail(`/${id}`)),
    validateEnvelope: opts.envelope ? (v) => (typeof v === 'object' && v !== null && 'type' in v ? ok : fail('/type')) : null,
    correlation: null, reply: null,
  };
}

const health = channel('health', 'system/health/{client_id}', { envelope: true });
const movement = channel('movement', 'system/health/movement', { envelope: true });
const zone = channel('zone', 'site/{site}/zone/{zone}/reading');
const catalog = createTopicCatalog('Test bus', [health, movement, zone], { zone: { zone: ['north', 'south'] } });

describe('createTopicCatalog', () => {
  it.each([
    ['system/health/tars-stt', 'health', { client_id: 'tars-stt' }],
    ['system/health/movement', 'movement', {}],
    ['site/a/zone/north/reading', 'zone', { site: 'a', zone: 'north' }],
  ])('resolves %s to %s with its parameters', (topic, id, params) => {
    const r = catalog.resolveTopic(topic);
    expect(r?.channel.id).toBe(id);
    expect(r?.params).toEqual(params);
  });

  it.each([
    'system/health', 'system/health/a/b', 'system/health/+', 'system/#', 'site/a/zone/east/reading', '', 'unknown/topic',
  ])('resolves nothing for %j', (topic) => {
    expect(catalog.resolveTopic(topic)).toBeNull();
  });

  it('validates by topic with the channel validators, and names an unknown topic', () => {
    expect(catalog.validatePayload('system/health/x', {})).toEqual({ ok: true });
    expect(catalog.validatePayload('system/health/x', 3)).toEqual(fail('/health'));
    expect(catalog.validateEnvelope('system/health/x', { type: 'health' })).toEqual({ ok: true });
    expect(catalog.validateEnvelope('system/health/x', {})).toEqual(fail('/type'));
    // bare channel: the wire message is the payload model
    expect(catalog.validateEnvelope('site/a/zone/south/reading', 3)).toEqual(fail('/zone'));
    const unknown = catalog.validatePayload('nope/x', {});
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.errors[0]!.rule).toBe('topic');
      expect(unknown.errors[0]!.message).toContain('"nope/x"');
      expect(unknown.errors[0]!.message).toContain('Test bus');
    }
  });

  it('channels whose addresses differ only in parameter names share a template: a payload valid for either is valid', () => {
    const a = { ...channel('a', 'dev/{x}/state'), validateData: (v: unknown) => ((v as { a?: unknown }).a !== undefined ? ok : fail('/a')) };
    const b = { ...channel('b', 'dev/{y}/state'), validateData: (v: unknown) => ((v as { b?: unknown }).b !== undefined ? ok : fail('/b')) };
    const c = createTopicCatalog('Shared', [a, b]);
    expect(c.validatePayload('dev/1/state', { a: 1 })).toEqual(ok);
    expect(c.validatePayload('dev/1/state', { b: 1 })).toEqual(ok);
    expect(c.validatePayload('dev/1/state', {})).toEqual(fail('/a'));
  });
});
