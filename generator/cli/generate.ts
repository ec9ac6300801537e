/** `generate [--input <file>] [--out <dir>] [--check]`: write (or check) the generated folder. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic, isContractLoadError, GenerateError } from '../diagnostics.js';
import { checkOutput, generateFromFile, writeOutput } from '../generate.js';
import type { Command } from './main.js';

export const DEFAULT_INPUT = 'asyncapi/tars.asyncapi.yaml';
export const DEFAULT_OUT = 'generated';

const posix = (p: string) => p.split(path.sep).join('/');
const show = (p: string) => posix(path.relative(process.cwd(), path.resolve(p)) || '.');

export const generateCommand: Command = {
  summary: `generate code from an AsyncAPI 3.0 document (default ${DEFAULT_INPUT} → ${DEFAULT_OUT}/); --check compares instead of writing`,
  usage: 'generate [--input <file>] [--out <dir>] [--check]',
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: { input: { type: 'string', short: 'i' }, out: { type: 'string', short: 'o' }, check: { type: 'boolean' } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      process.stderr.write(`generate: ${(e as Error).message}\nusage: ${this.usage}\n`);
      return 2;
    }
    const input = values.input ?? DEFAULT_INPUT;
    const out = values.out ?? DEFAULT_OUT;
    let files;
    try {
      let ir;
      ({ ir, files } = await generateFromFile(input));
      // What could not be expressed is generated as far as it goes, and said once per cause.
      for (const w of ir.warnings ?? []) process.stderr.write(`warning: ${formatDiagnostic(w)}\n`);
    } catch (e) {
      if (isContractLoadError(e) || e instanceof GenerateError) {
        const ds = e.diagnostics;
        process.stderr.write(`${show(input)}: ${ds.length} problem${ds.length === 1 ? '' : 's'}; nothing was written\n`);
        for (const d of ds) process.stderr.write(`  ${formatDiagnostic(d)}\n`);
        return 1;
      }
      throw e;
    }
    if (values.check) {
      const problems = await checkOutput(out, files);
      if (problems.length === 0) {
        process.stdout.write(`${show(out)}/ is up to date with ${show(input)}\n`);
        return 0;
      }
      process.stderr.write(`${show(out)}/ is stale: run \`npm run generate\` and commit the result\n`);
      for (const p of problems) {
        const f = `${show(out)}/${p.name}`;
        if (p.kind === 'missing') process.stderr.write(`  ${f}: missing\n`);
        else if (p.kind === 'extra') process.stderr.write(`  ${f}: extra file (not generated)\n`);
        else process.stderr.write(`  ${f}:${p.line}: expected ${JSON.stringify(p.expected)} got ${JSON.stringify(p.got)}\n`);
      }
      return 1;
    }
    await writeOutput(out, files);
    process.stdout.write(`generated ${files.length} files in ${show(out)}/ from ${show(input)}\n`);
    return 0;
  },
};
