/**
 * runDiff against a REAL temporary git repository: v1, a breaking v2, then v3 with the major version raised;
 * the three output formats; the modes (--mode, info.x-compatibility, the default full) and the deploy order;
 * unknown refs, a broken previous document, a file to compare against; and scripts/contract-diff-ci.sh (first
 * commit skip, exit code passthrough).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../generator/diff/command.js';
import { baseDoc, deleteChannel, patched, prop, toYaml, type Doc } from './helpers.js';

const INPUT = 'asyncapi/tars.asyncapi.yaml';
const SCRIPT = fileURLToPath(new URL('../../scripts/contract-diff-ci.sh', import.meta.url));

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

function commit(doc: Doc | string, message: string): string {
  writeFileSync(join(repo, INPUT), typeof doc === 'string' ? doc : toYaml(doc));
  git('add', INPUT);
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

async function diff(args: string[], cwd = repo): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runDiff(args, { cwd, stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

function ci(env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: '', CONTRACT_DIFF_REPO: repo, ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const v1 = baseDoc();
const v2 = baseDoc();
deleteChannel(v2, 'movementCommand');
prop(v2, 'FinalTranscript', 'confidence').maximum = 0.9;
v2.components.schemas.FinalTranscript.properties.speaker = { type: 'string' };
const v3 = structuredClone(v2);
v3.info.version = '2.0.0';

let sha1: string;
let sha2: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tars-diff-'));
  mkdirSync(join(repo, 'asyncapi'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  sha1 = commit(v1, 'v1');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('runDiff in a real git repository', { timeout: 180_000 }, () => {
  it('the CI script skips on the first commit', () => {
    const r = ci();
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/skipped: HEAD is the first commit/);
  });

  it('v1 -> v1 has no changes', async () => {
    const r = await diff(['--against', 'HEAD']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/No changes/);
  });

  it('a breaking v2 fails with the rule ids, directions and deploy order in the report (default mode full)', async () => {
    sha2 = commit(v2, 'v2: breaking');
    const r = await diff(['--against', 'HEAD~1']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Mode: full - both directions (backward and forward) (default; set it with --mode or info.x-compatibility)');
    expect(r.out).toContain('CHANNEL_NO_DELETE');
    expect(r.out).toContain('RANGE_NO_NARROW');
    expect(r.out).toContain('/components/schemas/FinalTranscript/properties/confidence/maximum');
    expect(r.out).toContain('FIELD_ADDED_TO_CLOSED');
    expect(r.out).toContain('breaks: forward (new publishers -> old subscribers)');
    expect(r.out).toMatch(/FAIL: 3 breaking change\(s\) without a major version bump.*Raise info.version to 2.0.0.* \[mode: full\]/);
    // sttFinal: RANGE_NO_NARROW breaks backward, FIELD_ADDED_TO_CLOSED forward: no safe order
    expect(r.out).toContain('Deploy order:\n  movementCommand: No deploy order is safe for `movement/command`');
    expect(r.out).toContain('  sttFinal: No deploy order is safe for `stt/final`: old and new peers break each other in both directions');
    // --mode backward gives the verdicts of the check before modes: the field on a closed object is safe
    const back = await diff(['--against', 'HEAD~1', '--mode', 'backward']);
    expect(back.code).toBe(1);
    expect(back.out).toMatch(/Safe changes \(1\):\n  FIELD_ADDED_TO_CLOSED/);
    expect(back.out).toMatch(/FAIL: 2 breaking change\(s\) without a major version bump/);
    // the same through a sha and through the CI script (exit code passes through)
    expect((await diff(['--against', sha1])).code).toBe(1);
    const c = ci();
    expect(c.code).toBe(1);
    expect(c.out).toContain('CHANNEL_NO_DELETE');
  });

  it('--format json parses', async () => {
    const r = await diff(['--against', sha1, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: false, mode: 'full', modeSource: 'default' });
    expect(j.summary).toMatchObject({ mode: 'full', breaking: 3, safe: 0, versionBefore: '1.0.0', versionAfter: '1.0.0', majorBumped: false });
    const rules = j.changes.map((c: { rule: string }) => c.rule).sort();
    expect(rules).toEqual(['CHANNEL_NO_DELETE', 'FIELD_ADDED_TO_CLOSED', 'RANGE_NO_NARROW']);
    const range = j.changes.find((c: { rule: string }) => c.rule === 'RANGE_NO_NARROW');
    expect(range).toMatchObject({
      verdict: 'breaking',
      breaks: ['backward'],
      verdicts: { backward: 'breaking', forward: 'safe', full: 'breaking' },
      before: 1,
      after: 0.9,
      channels: ['sttFinal'],
    });
    expect(typeof range.line).toBe('number');
    expect(j.deployOrder.map((d: { channel: string; order: string }) => [d.channel, d.order])).toEqual([
      ['movementCommand', 'none'],
      ['sttFinal', 'none'],
    ]);
    expect(j.deployOrder[1]).toMatchObject({ address: 'stt/final', publishers: ['stt-worker'], subscribers: ['router'],
      rules: { backward: ['RANGE_NO_NARROW'], forward: ['FIELD_ADDED_TO_CLOSED'] } });
    const back = JSON.parse((await diff(['--against', sha1, '--format', 'json', '--mode', 'backward'])).out);
    expect(back.summary).toMatchObject({ mode: 'backward', breaking: 2, safe: 1 });
  });

  it('--format github prints ::error with file and line, ::warning for a safe change with a note', async () => {
    const r = await diff(['--against', 'HEAD~1', '--format', 'github', '--input', INPUT]);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    const range = lines.find((l) => l.includes('title=RANGE_NO_NARROW'));
    expect(range).toMatch(/^::error file=asyncapi\/tars\.asyncapi\.yaml,line=\d+,title=RANGE_NO_NARROW::/);
    // the annotation's line is the line of `maximum` under confidence in the current document
    const n = Number(/line=(\d+)/.exec(range!)![1]);
    const text = toYaml(v2).split('\n');
    expect(text[n - 1]).toMatch(/maximum: 0.9/);
    expect(lines.some((l) => /^::error .*title=CHANNEL_NO_DELETE::/.test(l))).toBe(true);
    expect(lines.some((l) => /^::error .*title=FIELD_ADDED_TO_CLOSED::/.test(l))).toBe(true);
    expect(lines.some((l) => /^::warning file=asyncapi\/tars\.asyncapi\.yaml,line=\d+,title=DEPLOY_ORDER sttFinal::No deploy order is safe/.test(l))).toBe(true);
    // in backward mode the same field is a safe change with a note: a warning
    const back = await diff(['--against', 'HEAD~1', '--format', 'github', '--mode', 'backward']);
    expect(back.out.split('\n').some((l) => /^::warning .*title=FIELD_ADDED_TO_CLOSED::/.test(l))).toBe(true);
  });

  it('v3 raises the major version: the same breaking changes pass', async () => {
    commit(v3, 'v3: major bump');
    const r = await diff(['--against', sha1]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CHANNEL_NO_DELETE');
    expect(r.out).toMatch(/OK: 3 breaking change\(s\), allowed because info.version's major was raised \(1.0.0 -> 2.0.0\)/);
    const gh = await diff(['--against', sha1, '--format', 'github']);
    expect(gh.code).toBe(0);
    expect(gh.out).not.toContain('::error');
    expect(gh.out).toContain('::warning');
    // HEAD~1 is v2: only the version changed
    expect((await diff(['--against', 'HEAD~1'])).code).toBe(0);
    expect(ci().code).toBe(0);
  });

  it('works from a subdirectory with a relative --input', async () => {
    const r = await diff(['--against', sha2, '--input', 'tars.asyncapi.yaml'], join(repo, 'asyncapi'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${sha2}:asyncapi/tars.asyncapi.yaml`);
  });

  it('an unknown ref is a clear error (exit 2)', async () => {
    const r = await diff(['--against', 'no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown git revision 'no-such-branch'/);
  });

  it('a ref without the document is a clear error (exit 2)', async () => {
    const r = await diff(['--against', sha1, '--input', 'other.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the current contract other.yaml/);
    writeFileSync(join(repo, 'other.yaml'), toYaml(v1));
    const r2 = await diff(['--against', sha1, '--input', 'other.yaml']);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/other.yaml does not exist at '[0-9a-f]+'/);
    rmSync(join(repo, 'other.yaml'));
  });

  it('a previous document that does not load is reported as such (exit 2)', async () => {
    const broken = toYaml(v3).replace("$ref: '#/channels/sttFinal'", "$ref: '#/channels/nowhere'").replace('$ref: "#/channels/sttFinal"', '$ref: "#/channels/nowhere"');
    expect(broken).not.toBe(toYaml(v3));
    const sha = commit(broken, 'broken');
    commit(v3, 'fixed');
    const r = await diff(['--against', sha]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot load the previous contract \([0-9a-f]+:asyncapi\/tars\.asyncapi\.yaml\)/);
    expect(r.err).toMatch(/unknown channel/);
  });

  it('--against a file compares with that file', async () => {
    writeFileSync(join(repo, 'old.yaml'), toYaml(v1));
    const r = await diff(['--against', 'old.yaml', '--format', 'json']);
    expect(r.code).toBe(0); // v3 raised the major version
    expect(JSON.parse(r.out).before).toBe('old.yaml');
    rmSync(join(repo, 'old.yaml'));
  });

  it('usage errors exit 2', async () => {
    expect((await diff([])).code).toBe(2);
    expect((await diff(['--against', 'HEAD', '--format', 'xml'])).err).toMatch(/unknown --format xml/);
    const mode = await diff(['--against', 'HEAD', '--mode', 'sideways']);
    expect(mode.code).toBe(2);
    expect(mode.err).toMatch(/unknown --mode sideways \(backward, forward, full\)/);
    expect((await diff(['--help'])).out).toMatch(/Usage: tars-contracts diff .*--mode backward\|forward\|full/);
  });

  describe('modes: --mode, info.x-compatibility, the default', () => {
    // a widening (forward only) and, separately, a narrowing (backward only) of the bare systemHealth channel
    const widen = (d: Doc) => prop(d, 'Health', 'event').enum.push('restart');
    const narrow = (d: Doc) => (prop(d, 'Health', 'event').enum = ['ready', 'error']);
    const declare = (mode: unknown) => (d: Doc) => (d.info['x-compatibility'] = mode);
    const files = (old: Doc, cur: Doc) => {
      writeFileSync(join(repo, 'mode-old.yaml'), toYaml(old));
      writeFileSync(join(repo, 'mode-cur.yaml'), toYaml(cur));
      return ['--against', 'mode-old.yaml', '--input', 'mode-cur.yaml'];
    };
    afterAll(() => {
      rmSync(join(repo, 'mode-old.yaml'), { force: true });
      rmSync(join(repo, 'mode-cur.yaml'), { force: true });
    });

    it('the default is full; --mode picks the directions checked', async () => {
      const w = files(baseDoc(), patched(widen));
      const full = await diff(w);
      expect(full.code).toBe(1);
      expect(full.out).toContain(
        '  systemHealth: Upgrade the subscribers of `system/health/{client_id}` (ui) first, then its publishers (stt-worker) (old subscribers reject what new publishers send: ENUM_VALUE_ADDED).',
      );
      expect((await diff([...w, '--mode', 'forward'])).code).toBe(1);
      const back = await diff([...w, '--mode', 'backward']);
      expect(back.code).toBe(0);
      expect(back.out).toContain('Mode: backward - new subscribers must accept what old publishers send');
      expect(back.out).toContain('(--mode)');
      // the deploy order is given whatever the mode
      expect(back.out).toContain('Upgrade the subscribers of `system/health/{client_id}` (ui) first');
      const n = files(baseDoc(), patched(narrow));
      expect((await diff([...n, '--mode', 'forward'])).code).toBe(0);
      expect((await diff([...n, '--mode', 'backward'])).code).toBe(1);
      const nf = await diff(n);
      expect(nf.code).toBe(1);
      expect(nf.out).toContain('Upgrade the publishers of `system/health/{client_id}` (stt-worker) first, then its subscribers (ui)');
    });

    it("the current document's info.x-compatibility sets the default; --mode overrides it", async () => {
      const args = files(patched(declare('backward')), patched(declare('backward'), widen));
      const r = await diff([...args, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ ok: true, mode: 'backward', modeSource: 'document' });
      expect(JSON.parse(r.out).modeNote).toBeUndefined();
      const forced = await diff([...args, '--mode', 'full']);
      expect(forced.code).toBe(1);
      expect(forced.out).toContain('Mode: full - both directions (backward and forward) (--mode)');
    });

    it('a document that changes its info.x-compatibility is checked with the new one, and the report says so', async () => {
      const args = files(baseDoc(), patched(declare('backward'), widen));
      const r = await diff(args);
      expect(r.code).toBe(0);
      expect(r.out).toContain('(info.x-compatibility)');
      expect(r.out).toContain("note: info.x-compatibility changed from full (default) to backward in this version; the check uses the current document's.");
      const gh = await diff([...args, '--format', 'github']);
      expect(gh.out).toMatch(/^::warning file=mode-cur\.yaml,line=\d+,title=MODE::info\.x-compatibility changed from full \(default\) to backward/m);
    });

    it('an invalid info.x-compatibility is an error (exit 2)', async () => {
      const r = await diff(files(baseDoc(), patched(declare('sideways'))));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/info\.x-compatibility of mode-cur\.yaml is "sideways": expected one of backward, forward, full/);
    });
  });

  it('the CI script says so when HEAD~1 has no document yet', () => {
    const other = 'asyncapi/new.asyncapi.yaml';
    writeFileSync(join(repo, other), toYaml(v1));
    git('add', other);
    git('commit', '-q', '-m', 'new contract');
    const r = ci({ CONTRACT_DIFF_INPUT: other });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/HEAD~1 has no asyncapi\/new.asyncapi.yaml: the contract is new, nothing to compare against/);
  });

  it('the CI script checks the default mode (full), or CONTRACT_DIFF_MODE', () => {
    const other = 'asyncapi/new.asyncapi.yaml';
    const widened = structuredClone(v1);
    prop(widened, 'Health', 'event').enum.push('restart'); // forward-only: old subscribers reject the new value
    writeFileSync(join(repo, other), toYaml(widened));
    git('add', other);
    git('commit', '-q', '-m', 'widen');
    const full = ci({ CONTRACT_DIFF_INPUT: other });
    expect(full.code).toBe(1);
    expect(full.out).toContain('[mode: full]');
    const backward = ci({ CONTRACT_DIFF_INPUT: other, CONTRACT_DIFF_MODE: 'backward' });
    expect(backward.code).toBe(0);
    expect(backward.out).toContain('[mode: backward]');
    expect(ci({ CONTRACT_DIFF_INPUT: other, CONTRACT_DIFF_MODE: 'sideways' }).code).toBe(2);
  });
});
