/**
 * Golden tests: each fixture document regenerated in memory must equal its checked-in output folder
 * (test/fixtures/golden/<name>/). Refresh with `UPDATE_GOLDEN=1 npx vitest run test/generator`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../generator/load.js';
import { generate, writeOutput } from '../../generator/generate.js';
import { FIXTURES, fixtureDoc, goldenDir, REPO } from './helpers.js';

const update = process.env.UPDATE_GOLDEN === '1';

describe.each(FIXTURES)('golden - %s', (name) => {
  it('regenerates byte for byte', async () => {
    expect(process.cwd()).toBe(REPO.replace(/\/$/, ''));
    const files = await generate(await loadContract(fixtureDoc(name)));
    if (update) await writeOutput(goldenDir(name), files);
    const onDisk = (await readdir(goldenDir(name))).sort();
    expect(onDisk).toEqual(files.map((f) => f.name));
    for (const f of files) {
      const golden = await readFile(`${goldenDir(name)}/${f.name}`, 'utf8');
      expect(f.content, `${name}/${f.name} differs from its golden`).toBe(golden);
    }
  });

  it('is deterministic (two runs give the same bytes)', async () => {
    const a = await generate(await loadContract(fixtureDoc(name)));
    const b = await generate(await loadContract(fixtureDoc(name)));
    expect(b).toEqual(a);
  });
});

describe('golden - output shape', () => {
  it('gives every document the same set of files', async () => {
    const sets = await Promise.all(FIXTURES.map(async (n) => (await generate(await loadContract(fixtureDoc(n)))).map((f) => f.name)));
    const tars = (await generate(await loadContract('asyncapi/tars.asyncapi.yaml'))).map((f) => f.name);
    for (const s of sets) expect(s).toEqual(tars);
    const { loadContractFromString } = await import('../../generator/load.js');
    const empty = await generate(await loadContractFromString("asyncapi: 3.0.0\ninfo: { title: Empty, version: '1' }\n", 'empty.yaml'));
    expect(empty.map((f) => f.name)).toEqual(tars);
    expect(tars).toEqual(['TOPICS.md', 'api.ts', 'channels.ts', 'contract.ts', 'index.ts', 'types.ts', 'validators.d.ts', 'validators.js']);
  });

  it('starts every file with a header naming the source and its sha256', async () => {
    const ir = await loadContract(fixtureDoc('fleet'));
    for (const f of await generate(ir)) {
      const head = f.content.split('\n').slice(0, 6).join('\n');
      expect(head).toContain(`from ${fixtureDoc('fleet')}`);
      expect(head).toContain(`sha256: ${ir.source.sha256}`);
      expect(head).toContain('Do not edit; regenerate with `npm run generate`');
    }
  });

  it('names no anonymous models and keeps wire names', async () => {
    const files = await generate(await loadContract(fixtureDoc('greenhouse')));
    const types = files.find((f) => f.name === 'types.ts')!.content;
    expect(types).not.toMatch(/AnonymousSchema/);
    expect(types).toContain("'sensor_id': string;");
    expect(types).toContain("'unit'?: string | null;");
    expect(types).toContain('export type SensorKind = "temperature" | "humidity" | "soil_moisture";');
    expect(types).toMatch(/export interface ZoneStatus \{[^}]*\[key: string\]: unknown;/);
    expect(types).not.toMatch(/export interface SensorReading \{[^}]*\[key: string\]/);
  });

  it('imports the runtime only through its package; the contract files only through its browser-safe subpath', async () => {
    for (const n of [...FIXTURES]) {
      for (const f of await generate(await loadContract(fixtureDoc(n)))) {
        expect(f.content).not.toMatch(/from '\.\.?\/.*runtime/);
        expect(f.content).not.toMatch(/require\(/);
        const runtimeImports = [...f.content.matchAll(/from '(@tars-contracts\/runtime[^']*)'/g)].map((m) => m[1]);
        // contract.ts, channels.ts, validators and types make up the browser-safe contract code
        if (['contract.ts', 'channels.ts', 'types.ts', 'validators.js', 'validators.d.ts'].includes(f.name)) {
          expect(runtimeImports.every((s) => s === '@tars-contracts/runtime/contract'), `${n}/${f.name}: ${runtimeImports.join(', ')}`).toBe(true);
        }
        expect(f.content, `${n}/${f.name}`).not.toMatch(/from 'node:|from '(fs|net|os|crypto|buffer|path)'/);
      }
    }
  });
});
