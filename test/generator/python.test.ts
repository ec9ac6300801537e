/**
 * The Python output of the generator: goldens (the TARS document's package is the checked-in generated/python/
 * tars_contracts; greenhouse and fleet under test/fixtures/golden-python/, UPDATE_GOLDEN=1 rewrites), deterministic
 * bytes, the same header as the TypeScript files, and the CLI: `--lang`, `--python-out` (its own atomic write and
 * check), and `generate --check` failing when only the Python output is stale.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../generator/cli/main.js';
import { generate } from '../../generator/generate.js';
import { loadContract } from '../../generator/load.js';
import { captureOutput, fixtureDoc, REPO } from './helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';
const PY_FILES = ['__init__.py', '_bus.py', '_formats.py', '_runtime.py', 'api.py', 'models.py', 'py.typed', 'registry.py'];
const python = async (doc: string) => generate(await loadContract(doc), { languages: ['python'], pythonDir: '' });

async function compareWith(dir: string, files: { name: string; content: string }[]) {
  if (update) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    for (const f of files) await writeFile(path.join(dir, f.name), f.content);
  }
  expect((await readdir(dir)).filter((n) => n !== '__pycache__').sort()).toEqual(files.map((f) => f.name));
  for (const f of files) expect(f.content, `${dir}/${f.name} differs from its golden`).toBe(await readFile(path.join(dir, f.name), 'utf8'));
}

describe('python golden', () => {
  it.each(['greenhouse', 'fleet'])('%s regenerates byte for byte (test/fixtures/golden-python)', async (name) => {
    await compareWith(path.join(REPO, 'test/fixtures/golden-python', name), await python(fixtureDoc(name)));
  });

  it('the TARS document regenerates generated/python/tars_contracts byte for byte', async () => {
    const files = await python('asyncapi/tars.asyncapi.yaml');
    expect(files.map((f) => f.name)).toEqual(PY_FILES);
    await compareWith(path.join(REPO, 'generated/python/tars_contracts'), files);
  });

  it('is deterministic, starts every module with the header, and keeps the TypeScript file set of generate()', async () => {
    const ir = await loadContract(fixtureDoc('fleet'));
    const a = await generate(ir, { languages: ['ts', 'python'] });
    expect(await generate(ir, { languages: ['ts', 'python'] })).toEqual(a);
    expect(a.filter((f) => f.name.startsWith('python/')).map((f) => f.name)).toEqual(PY_FILES.map((f) => `python/tars_contracts/${f}`));
    expect((await generate(ir)).map((f) => f.name)).toEqual(a.filter((f) => !f.name.startsWith('python/')).map((f) => f.name));
    for (const f of a.filter((x) => x.name.endsWith('.py'))) {
      const head = f.content.split('\n').slice(0, 3).join('\n');
      expect(head).toContain(`from ${fixtureDoc('fleet')}`);
      expect(head).toContain(`sha256: ${ir.source.sha256}`);
      expect(head).toContain('Do not edit; regenerate with `npm run generate`');
    }
  });
});

describe('python - generate CLI', () => {
  let dir: string;
  const cwd = process.cwd();
  const gen = (args: string[]) => captureOutput(() => main(['generate', ...args]));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tc-python-'));
    await mkdir(path.join(dir, 'asyncapi'));
    await cp(path.join(REPO, 'test/fixtures/greenhouse.asyncapi.yaml'), path.join(dir, 'asyncapi/tars.asyncapi.yaml'));
    process.chdir(dir);
    const { result, stdout } = await gen([]);
    expect(result).toBe(0);
    expect(stdout).toMatch(/generated 8 files in generated\/ \(\+ the Python package generated\/python\/tars_contracts\/: 8 files\)/);
  });

  afterAll(async () => {
    process.chdir(cwd);
    await rm(dir, { recursive: true, force: true });
  });

  it('--check covers the Python package: passes in sync, fails when only a Python file is stale', async () => {
    expect((await gen(['--check'])).result).toBe(0);
    const models = path.join(dir, 'generated/python/tars_contracts/models.py');
    const saved = await readFile(models, 'utf8');
    await writeFile(models, saved.replace(/^class /m, 'class Stale'));
    try {
      const { result, stderr } = await gen(['--check']);
      expect(result).toBe(1);
      expect(stderr).toMatch(/generated\/python\/tars_contracts\/models\.py:\d+: expected "class /);
      expect(stderr).not.toMatch(/generated\/(types|api|index)\.ts/);
      // a TypeScript-only check of the same folder counts the package as extra files: generated/ is one target
      const tsOnly = await gen(['--check', '--lang', 'ts']);
      expect(tsOnly.result).toBe(1);
      expect(tsOnly.stderr).toContain('generated/python/tars_contracts/models.py: extra file (not generated)');
    } finally {
      await writeFile(models, saved);
    }
  });

  it('--python-out writes and checks the package folder on its own; --lang ts leaves Python out', async () => {
    const { result, stdout } = await gen(['--lang', 'ts', '--out', 'ts-only']);
    expect(result).toBe(0);
    expect(stdout).toMatch(/generated 8 files in ts-only\/ from/);
    expect((await readdir(path.join(dir, 'ts-only'))).includes('python')).toBe(false);
    const py = await gen(['--lang', 'python', '--python-out', 'services/lib/contracts']);
    expect(py.result).toBe(0);
    expect((await readdir(path.join(dir, 'services/lib/contracts'))).sort()).toEqual(PY_FILES);
    expect((await gen(['--lang', 'python', '--python-out', 'services/lib/contracts', '--check'])).result).toBe(0);
    await writeFile(path.join(dir, 'services/lib/contracts/notes.txt'), 'x');
    const stale = await gen(['--lang', 'python', '--python-out', 'services/lib/contracts', '--check']);
    expect(stale.result).toBe(1);
    expect(stale.stderr).toContain('services/lib/contracts/notes.txt: extra file (not generated)');
  });

  it('--check ignores the bytecode cache Python writes next to an imported package', async () => {
    const cache = path.join(dir, 'generated/python/tars_contracts/__pycache__');
    await mkdir(cache, { recursive: true });
    await writeFile(path.join(cache, 'models.cpython-311.pyc'), 'x');
    try {
      expect((await gen(['--check'])).result).toBe(0);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });

  it('--python-out is never the TypeScript folder, inside it, or around it (exit 2, nothing written)', async () => {
    const before = (await readdir(path.join(dir, 'generated'))).sort();
    for (const [pyOut, clash] of [['generated', 'is the'], ['generated/python/tars_contracts', 'is inside'], ['.', 'contains']] as const) {
      const { result, stderr } = await gen(['--python-out', pyOut]);
      expect(result, stderr).toBe(2);
      expect(stderr).toContain(`--python-out ${pyOut} ${clash}`);
      // also with --lang python only: the TypeScript folder must not be replaced by the package
      expect((await gen(['--lang', 'python', '--python-out', pyOut])).result).toBe(2);
    }
    expect((await readdir(path.join(dir, 'generated'))).sort()).toEqual(before);
    expect((await gen(['--check'])).result).toBe(0);
  });

  it('refuses to replace a folder holding files it did not generate (both languages); bytecode caches are ignored', async () => {
    const lib = path.join(dir, 'services/lib/mine');
    await mkdir(lib, { recursive: true });
    await writeFile(path.join(lib, 'helpers.py'), 'def f(): pass\n');
    const py = await gen(['--lang', 'python', '--python-out', 'services/lib/mine']);
    expect(py.result).toBe(2);
    expect(py.stderr).toContain('holds files tars-contracts did not generate (helpers.py)');
    expect(await readFile(path.join(lib, 'helpers.py'), 'utf8')).toBe('def f(): pass\n');
    await mkdir(path.join(dir, 'ts-mine'), { recursive: true });
    await writeFile(path.join(dir, 'ts-mine/notes.md'), 'mine');
    const ts = await gen(['--lang', 'ts', '--out', 'ts-mine']);
    expect(ts.result).toBe(2);
    expect(await readFile(path.join(dir, 'ts-mine/notes.md'), 'utf8')).toBe('mine');
    // a generated folder (with a bytecode cache) is replaced as before
    await mkdir(path.join(dir, 'generated/python/tars_contracts/__pycache__'), { recursive: true });
    await writeFile(path.join(dir, 'generated/python/tars_contracts/__pycache__/models.cpython-311.pyc'), 'x');
    expect((await gen([])).result).toBe(0);
  });

  it('warns, with the pointer, about what the Python models cannot check; the package still imports', async () => {
    const doc = path.join(REPO, 'test/python/fixtures/patterns.asyncapi.yaml');
    const { result, stderr } = await gen(['--input', doc, '--lang', 'python', '--python-out', 'pat/tars_contracts']);
    expect(result).toBe(0);
    expect(stderr).toContain("warning: pattern /^\\p{L}+$/ cannot be checked by Python's re (the Unicode property escape \\p{...})");
    expect(stderr).toContain('at #/components/schemas/Pat/properties/letters/pattern');
    expect(stderr.match(/^warning: /gm)).toHaveLength(1);
  });

  it('refuses an unknown language', async () => {
    const { result, stderr } = await gen(['--lang', 'ts,rust']);
    expect(result).toBe(2);
    expect(stderr).toMatch(/--lang takes ts, python/);
  });
});
