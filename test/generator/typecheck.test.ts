/**
 * The generated TypeScript type-checks: generated/ and every fixture's output (written to test/.out/<name>/,
 * inside the package so `tars-contracts/runtime` resolves through the package's own exports).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../generator/load.js';
import { generate, writeOutput } from '../../generator/generate.js';
import { FIXTURES, fixtureDoc, REPO } from './helpers.js';

const run = promisify(execFile);

describe('typecheck - generated code', () => {
  it('tsc --noEmit passes over generated/ and the fixture outputs', async () => {
    for (const name of FIXTURES) {
      await writeOutput(path.join(REPO, 'test/.out', name), await generate(await loadContract(fixtureDoc(name))));
    }
    const tsc = path.join(REPO, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['--noEmit', '-p', 'tsconfig.generated.json'], { cwd: REPO }).then(
      () => ({ code: 0, out: '' }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    // Only problems in generated code count here (the runtime is type-checked by its own tests).
    const ours = result.out.split('\n').filter((l) => /^(generated|test\/\.out)\//.test(l));
    expect(ours).toEqual([]);
  }, 120_000);

  it('the fixture outputs load under vitest and validate', async () => {
    for (const name of FIXTURES) {
      const mod = (await import(path.join(REPO, 'test/.out', name, 'index.ts'))) as { channels: Record<string, unknown> };
      expect(Object.keys(mod.channels).length).toBeGreaterThan(0);
    }
  });

  it('the validators module loads under plain node (no tsx)', async () => {
    const file = path.join(REPO, 'test/fixtures/golden/greenhouse/validators.js');
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(file)}); console.log(JSON.stringify(m.validateAlarmData({ level: 'x' })));`,
    ]);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      errors: [
        { path: '/text', message: 'is required', rule: 'required' },
        { path: '/level', message: 'must be one of "info", "warn", "critical"', rule: 'enum' },
      ],
    });
  });
});
