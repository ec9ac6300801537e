/**
 * A contract split over several files (`$ref: ./shared/schemas.yaml#/Reading`): the generated header's source hash
 * covers every file read, so `generate --check` goes stale when only a referenced file changes; the breaking-change
 * diff reads the referenced files as they were at the revision it compares against (git show), not from the working
 * tree; a missing referenced file is a diagnostic naming the $ref.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../generator/cli/main.js';
import { runDiff } from '../../generator/diff/command.js';
import { captureOutput } from './helpers.js';

const DOC = `asyncapi: 3.0.0
info: { title: Split contract, version: 1.0.0 }
channels:
  reading:
    address: sensors/{sensorId}/reading
    parameters:
      sensorId: { description: sensor }
    messages:
      reading:
        payload: { $ref: './shared/schemas.yaml#/Reading' }
operations:
  sendReading:
    action: send
    channel: { $ref: '#/channels/reading' }
    bindings: { mqtt: { qos: 1, bindingVersion: 0.2.0 } }
`;
const SCHEMAS = `Reading:
  type: object
  additionalProperties: false
  required: [value, unit]
  properties:
    value: { type: number }
    unit: { $ref: './units.yaml#/Unit' }
`;
const UNITS = `Unit:
  type: string
  enum: [celsius, kelvin]
`;

let dir: string;
const cwd = process.cwd();
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tc-extref-'));
  await mkdir(path.join(dir, 'asyncapi/shared'), { recursive: true });
  await writeFile(path.join(dir, 'asyncapi/tars.asyncapi.yaml'), DOC);
  await writeFile(path.join(dir, 'asyncapi/shared/schemas.yaml'), SCHEMAS);
  await writeFile(path.join(dir, 'asyncapi/shared/units.yaml'), UNITS);
  process.chdir(dir);
  const { result, stderr } = await captureOutput(() => main(['generate']));
  expect(stderr).toBe('');
  expect(result).toBe(0);
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  git('config', 'commit.gpgsign', 'false');
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
});

afterAll(async () => {
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

describe('external $refs', () => {
  it('the generated code is validated by the referenced schemas (two files deep)', async () => {
    const mod = (await import(path.join(dir, 'generated/validators.js'))) as Record<string, (v: unknown) => { ok: boolean; errors?: { path: string; rule: string }[] }>;
    expect(mod.validateReadingData!({ value: 1, unit: 'kelvin' })).toEqual({ ok: true });
    expect(mod.validateReadingData!({ value: 1, unit: 'fahrenheit' })).toMatchObject({ ok: false, errors: [{ path: '/unit', rule: 'enum' }] });
  });

  it('generate --check goes stale when only a referenced file changes, and names it in sync again after generate', async () => {
    const units = path.join(dir, 'asyncapi/shared/units.yaml');
    expect((await captureOutput(() => main(['generate', '--check']))).result).toBe(0);
    await writeFile(units, UNITS.replace('[celsius, kelvin]', '[celsius, kelvin, fahrenheit]'));
    try {
      const { result, stderr } = await captureOutput(() => main(['generate', '--check']));
      expect(result).toBe(1);
      expect(stderr).toContain('generated/ is stale');
      expect(stderr).toMatch(/generated\/validators\.js:\d+: expected/);
    } finally {
      await writeFile(units, UNITS);
    }
    expect((await captureOutput(() => main(['generate', '--check']))).result).toBe(0);
  });

  it('diff --against a revision reads the referenced files at that revision', async () => {
    let out = '';
    const run = (args: string[]) => runDiff(args, { cwd: dir, stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
    // Unchanged working tree: no change, although the old document is read from git.
    expect(await run(['--against', 'HEAD', '--input', 'asyncapi/tars.asyncapi.yaml'])).toBe(0);
    expect(out).toMatch(/No changes/);
    // Only the second-level file changes: a value removed from the enum is found, so the old files came from git.
    const units = path.join(dir, 'asyncapi/shared/units.yaml');
    await writeFile(units, UNITS.replace('[celsius, kelvin]', '[celsius]'));
    try {
      out = '';
      expect(await run(['--against', 'HEAD', '--input', 'asyncapi/tars.asyncapi.yaml', '--mode', 'backward'])).toBe(1);
      expect(out).toContain('ENUM_VALUE_NO_DELETE');
      expect(out).toContain('kelvin');
    } finally {
      await writeFile(units, UNITS);
    }
  });

  it('a referenced file that does not exist is a diagnostic naming the $ref', async () => {
    const doc = path.join(dir, 'asyncapi/tars.asyncapi.yaml');
    await writeFile(doc, DOC.replace('./shared/schemas.yaml', './shared/missing.yaml'));
    try {
      const { result, stderr } = await captureOutput(() => main(['generate', '--check']));
      expect(result).toBe(1);
      expect(stderr).toMatch(/cannot read "asyncapi\/shared\/missing\.yaml" \(external \$ref "\.\/shared\/missing\.yaml#\/Reading"\)/);
      expect(await readFile(path.join(dir, 'generated/validators.js'), 'utf8')).toContain('kelvin'); // nothing written
    } finally {
      await writeFile(doc, DOC);
    }
  });
});
