/**
 * runDiff against a REAL temporary git repository: v1, a breaking v2, then v3 with the major version raised;
 * the three output formats; unknown refs, a broken previous document, a file to compare against; and
 * scripts/contract-diff-ci.sh (first commit skip, exit code passthrough).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff } from '../../generator/diff/command.js';
import { baseDoc, deleteChannel, prop, toYaml, type Doc } from './helpers.js';

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

  it('a breaking v2 fails with the rule ids in the report', async () => {
    sha2 = commit(v2, 'v2: breaking');
    const r = await diff(['--against', 'HEAD~1']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('CHANNEL_NO_DELETE');
    expect(r.out).toContain('RANGE_NO_NARROW');
    expect(r.out).toContain('/components/schemas/FinalTranscript/properties/confidence/maximum');
    expect(r.out).toContain('FIELD_ADDED_OPTIONAL');
    expect(r.out).toMatch(/FAIL: 2 breaking change\(s\) without a major version bump.*Raise info.version to 2.0.0/);
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
    expect(j.ok).toBe(false);
    expect(j.summary).toMatchObject({ breaking: 2, safe: 1, versionBefore: '1.0.0', versionAfter: '1.0.0', majorBumped: false });
    const rules = j.changes.map((c: { rule: string }) => c.rule).sort();
    expect(rules).toEqual(['CHANNEL_NO_DELETE', 'FIELD_ADDED_OPTIONAL', 'RANGE_NO_NARROW']);
    const range = j.changes.find((c: { rule: string }) => c.rule === 'RANGE_NO_NARROW');
    expect(range).toMatchObject({ verdict: 'breaking', before: 1, after: 0.9, channels: ['sttFinal'] });
    expect(typeof range.line).toBe('number');
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
    expect(lines.some((l) => /^::warning .*title=FIELD_ADDED_OPTIONAL::/.test(l))).toBe(true);
  });

  it('v3 raises the major version: the same breaking changes pass', async () => {
    commit(v3, 'v3: major bump');
    const r = await diff(['--against', sha1]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CHANNEL_NO_DELETE');
    expect(r.out).toMatch(/OK: 2 breaking change\(s\), allowed because info.version's major was raised \(1.0.0 -> 2.0.0\)/);
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
    expect((await diff(['--help'])).out).toMatch(/Usage: tars-contracts diff/);
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
});
