/** Output is written atomically: a failed run leaves an existing folder untouched and no temp folder. */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOutput } from '../../generator/generate.js';
import { main } from '../../generator/cli/main.js';
import { captureOutput } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tc-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic write - writeOutput', () => {
  it('replaces the whole folder', async () => {
    const out = path.join(dir, 'generated');
    await mkdir(out);
    await writeFile(path.join(out, 'stale.ts'), 'old');
    await writeOutput(out, [{ name: 'a.ts', content: 'A' }, { name: 'b.md', content: 'B' }]);
    expect((await readdir(out)).sort()).toEqual(['a.ts', 'b.md']);
    expect(await readdir(dir)).toEqual(['generated']);
  });

  it('a failing write leaves the existing folder untouched and removes the temp folder', async () => {
    const out = path.join(dir, 'generated');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.ts'), 'precious');
    // 'x' as a file and then 'x/y' as a file inside it cannot both be written.
    await expect(writeOutput(out, [{ name: 'x', content: '1' }, { name: 'x/y', content: '2' }])).rejects.toThrow();
    expect(await readdir(out)).toEqual(['keep.ts']);
    expect(await readFile(path.join(out, 'keep.ts'), 'utf8')).toBe('precious');
    expect(await readdir(dir)).toEqual(['generated']);
  });

  it('an invalid document writes nothing (CLI)', async () => {
    const doc = path.join(dir, 'bad.yaml');
    await writeFile(doc, 'asyncapi: 3.0.0\ninfo: { title: t, version: "1" }\nchannels:\n  a:\n    address: a\n    messages:\n      m: { $ref: "#/components/messages/missing" }\n');
    const out = path.join(dir, 'out');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.ts'), 'precious');
    const { result, stderr } = await captureOutput(() => main(['generate', '--input', doc, '--out', out]));
    expect(result).toBe(1);
    expect(stderr).toContain('broken $ref "#/components/messages/missing"');
    expect(stderr).toContain('nothing was written');
    expect(await readdir(out)).toEqual(['keep.ts']);
    expect((await readdir(dir)).sort()).toEqual(['bad.yaml', 'out']);
  });
});
