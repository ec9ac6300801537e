/** Rule catalogue consistency, the docs table, pointer -> line lookup and annotation escaping. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Change, ChannelDeployOrder, DiffSummary } from '../../generator/diff/compare.js';
import { makeLineFinder } from '../../generator/diff/lines.js';
import { renderGithub, renderJson, renderText } from '../../generator/diff/report.js';
import { RULE_IDS, RULES, verdictIn, type Direction } from '../../generator/diff/rules.js';
import { BASE_TEXT } from './helpers.js';

const word = (breaks: readonly Direction[]) => (breaks.length === 2 ? 'both' : breaks.length === 0 ? 'none' : breaks[0]!);

describe('rules', () => {
  it('every id has a description, a verdict and directions; a rule that can break says which side', () => {
    for (const id of RULE_IDS) {
      const r = RULES[id];
      expect(r.id).toBe(id);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.description).toMatch(r.breaks.length > 0 ? /^Breaks / : /^Safe/);
      expect(['backward', 'forward'].filter((d) => r.breaks.includes(d as Direction))).toEqual(r.breaks);
      // backward mode (today's verdicts) catches every backward break, and whatever it calls breaking breaks something
      if (r.breaks.includes('backward')) expect(r.verdict, id).toBe('breaking');
      if (r.verdict === 'breaking') expect(r.breaks.length, id).toBeGreaterThan(0);
    }
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  });

  it('verdictIn: backward = the legacy verdict, forward = breaks forward, full = breaks anything', () => {
    expect(['backward', 'forward', 'full'].map((m) => verdictIn(m as never, 'ENUM_VALUE_ADDED', ['forward']))).toEqual(['safe', 'breaking', 'breaking']);
    expect(['backward', 'forward', 'full'].map((m) => verdictIn(m as never, 'RANGE_NO_NARROW', ['backward']))).toEqual(['breaking', 'safe', 'breaking']);
    expect(['backward', 'forward', 'full'].map((m) => verdictIn(m as never, 'REQUIRED_TO_OPTIONAL', ['forward']))).toEqual(['breaking', 'breaking', 'breaking']);
    expect(['backward', 'forward', 'full'].map((m) => verdictIn(m as never, 'FIELD_ADDED_OPTIONAL', []))).toEqual(['safe', 'safe', 'safe']);
  });

  it('docs/breaking-changes.md lists every rule with its directions, backward-mode verdict and an example', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/breaking-changes.md', import.meta.url)), 'utf8');
    for (const id of RULE_IDS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${id}\` |`));
      expect(row, id).toBeDefined();
      // | Rule | Breaks | --mode backward | Change | Example |
      const cells = row!.split(' | ').map((c) => c.trim());
      expect(cells.length, id).toBe(5);
      expect(cells[1]!.split(/[ ;(]/)[0], id).toBe(word(RULES[id].breaks));
      expect(cells[2]!.replace(/\*/g, '').split(' ')[0], id).toBe(RULES[id].verdict);
      expect(cells[4]!.length, id).toBeGreaterThan(10);
    }
  });
});

describe('makeLineFinder', () => {
  const lineOf = makeLineFinder(BASE_TEXT);
  const lines = BASE_TEXT.split('\n');
  const at = (p: string) => lines[lineOf(p)! - 1]!.trim();

  it('finds keys, sequence items and flow mappings', () => {
    expect(at('/channels/sttFinal')).toBe('sttFinal:');
    expect(at('/channels/sttFinal/address')).toBe('address: stt/final');
    expect(at('/components/schemas/FinalTranscript/properties/confidence/maximum')).toMatch(/^confidence: \{ type/);
    expect(at('/operations/publishSttFinal/bindings/mqtt/qos')).toMatch(/^mqtt: \{ qos: 1/);
    expect(at('/components/schemas/Command/oneOf/1')).toBe("- $ref: '#/components/schemas/StopCommand'");
  });

  it('falls back to the nearest existing ancestor, and follows local $refs', () => {
    expect(at('/components/schemas/Word/properties/nope')).toBe('properties:');
    expect(at('/channels/systemHealth/parameters/client_id/enum')).toBe('enum: [tars-stt, tars-tts]');
    expect(at('/no/such/thing')).toBe('asyncapi: 3.0.0');
  });
});

describe('report formats', () => {
  const change: Change = {
    rule: 'FIELD_NO_DELETE',
    verdict: 'breaking',
    breaks: ['backward', 'forward'],
    pointer: '/components/schemas/A/properties/b',
    channels: ['x'],
    path: 'b',
    before: 'optional',
    after: null,
    message: "Field 'b' was deleted,\nreally: 100%",
  };
  const summary: DiffSummary = { mode: 'full', breaking: 1, safe: 0, versionBefore: '1.2.3', versionAfter: '1.3.0', majorBumped: false, ok: false };
  const input = { changes: [change], summary, beforeLabel: 'main:a.yaml', file: 'dir,x/a.yaml', lineOf: () => 7 };

  it('github: one annotation per line, escaped', () => {
    const out = renderGithub(input).split('\n');
    expect(out[0]).toMatch(/^::error file=dir%2Cx\/a.yaml,line=7,title=FIELD_NO_DELETE::Field 'b' was deleted,%0Areally: 100%25/);
    expect(out[1]).toMatch(/^FAIL: 1 breaking change/);
  });

  it('text and json', () => {
    const t = renderText(input);
    expect(t).toContain('FIELD_NO_DELETE  /components/schemas/A/properties/b  (dir,x/a.yaml:7)');
    expect(t).toContain('Raise info.version to 2.0.0');
    const j = JSON.parse(renderJson(input));
    expect(j.changes[0]).toMatchObject({ rule: 'FIELD_NO_DELETE', line: 7, verdict: 'breaking' });
  });

  // backward mode: a widening is safe there but still breaks forward, and the deploy order says so
  const widening: Change = {
    rule: 'ENUM_VALUE_ADDED',
    verdict: 'safe',
    breaks: ['forward'],
    pointer: '/components/schemas/Say/properties/voice/enum',
    channels: ['ttsSay'],
    path: 'voice',
    before: null,
    after: 'robot',
    message: "Value \"robot\" was added to 'voice'.",
    note: RULES.ENUM_VALUE_ADDED.note!,
  };
  const order: ChannelDeployOrder = {
    channel: 'ttsSay',
    address: 'tts/say',
    order: 'subscribers-first',
    breaks: ['forward'],
    publishers: ['router'],
    subscribers: ['tts'],
    publishAndSubscribe: [],
    rules: { backward: [], forward: ['ENUM_VALUE_ADDED'] },
    message: 'Upgrade the subscribers of `tts/say` (tts) first, then its publishers (router) (old subscribers reject what new publishers send: ENUM_VALUE_ADDED).',
  };
  const backward = {
    changes: [widening],
    summary: { ...summary, mode: 'backward' as const, breaking: 0, safe: 1, ok: true },
    beforeLabel: 'main:a.yaml',
    file: 'a.yaml',
    lineOf: () => 3,
    deployOrder: [order],
    modeSource: 'document' as const,
  };

  it('text: the mode and where it came from, the direction a change breaks, the deploy order', () => {
    const t = renderText(backward);
    expect(t).toContain('Mode: backward - new subscribers must accept what old publishers send');
    expect(t).toContain('(info.x-compatibility)');
    expect(t).toContain('Safe changes (1):');
    expect(t).toContain('      breaks: forward (new publishers -> old subscribers)');
    expect(t).toContain('Deploy order:\n  ttsSay: Upgrade the subscribers of `tts/say` (tts) first, then its publishers (router)');
    expect(t).toMatch(/OK: no breaking changes \(1 safe\)\. \[mode: backward\]\n$/);
  });

  it('json: mode, verdicts in every mode, breaks, deploy order', () => {
    const j = JSON.parse(renderJson(backward));
    expect(j).toMatchObject({ ok: true, mode: 'backward', modeSource: 'document', summary: { mode: 'backward' } });
    expect(j.changes[0]).toMatchObject({ rule: 'ENUM_VALUE_ADDED', verdict: 'safe', breaks: ['forward'], verdicts: { backward: 'safe', forward: 'breaking', full: 'breaking' } });
    expect(j.deployOrder).toEqual([{ ...order, line: 3 }]);
  });

  it('github: a safe change that breaks a direction is a warning; the deploy order is a notice (a warning when none is safe)', () => {
    const out = renderGithub(backward).split('\n');
    expect(out[0]).toMatch(/^::warning file=a.yaml,line=3,title=ENUM_VALUE_ADDED::.*Breaks forward \(new publishers -> old subscribers\)\./);
    expect(out[1]).toMatch(/^::notice file=a.yaml,line=3,title=DEPLOY_ORDER ttsSay::Upgrade the subscribers of `tts\/say` \(tts\) first/);
    const none = renderGithub({ ...backward, deployOrder: [{ ...order, order: 'none', message: 'No deploy order is safe.' }] });
    expect(none).toMatch(/^::warning .*title=DEPLOY_ORDER ttsSay::No deploy order is safe\.$/m);
  });
});
