/** Rule catalogue consistency, the docs table, pointer -> line lookup and annotation escaping. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Change, DiffSummary } from '../../generator/diff/compare.js';
import { makeLineFinder } from '../../generator/diff/lines.js';
import { renderGithub, renderJson, renderText } from '../../generator/diff/report.js';
import { RULE_IDS, RULES } from '../../generator/diff/rules.js';
import { BASE_TEXT } from './helpers.js';

describe('rules', () => {
  it('every id has a description and a verdict, and breaking rules say which side breaks', () => {
    for (const id of RULE_IDS) {
      const r = RULES[id];
      expect(r.id).toBe(id);
      expect(r.description.length).toBeGreaterThan(10);
      if (r.verdict === 'breaking') expect(r.description).toMatch(/^Breaks /);
    }
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  });

  it('docs/breaking-changes.md lists every rule', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/breaking-changes.md', import.meta.url)), 'utf8');
    for (const id of RULE_IDS) expect(doc, id).toContain(`| \`${id}\` |`);
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
    pointer: '/components/schemas/A/properties/b',
    channels: ['x'],
    path: 'b',
    before: 'optional',
    after: null,
    message: "Field 'b' was deleted,\nreally: 100%",
  };
  const summary: DiffSummary = { breaking: 1, safe: 0, versionBefore: '1.2.3', versionAfter: '1.3.0', majorBumped: false, ok: false };
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
});
