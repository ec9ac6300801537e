/**
 * `generate [--input <file>] [--out <dir>] [--check] [--lang ts,python] [--python-out <dir>]`: write (or check) the
 * generated folder. By default both languages: the Python package goes inside the TypeScript folder
 * (<out>/python/tars_contracts/), so one atomic write and one check cover both; `--python-out <dir>` makes the
 * package folder its own target (written and checked on its own).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic, isContractLoadError, GenerateError, type Diagnostic } from '../diagnostics.js';
import { checkOutput, DEFAULT_PYTHON_DIR, generate, generateFromFile, LANGUAGES, OutputGuardError, writeOutput, type GeneratedFile, type Language } from '../generate.js';
import type { Command } from './main.js';

export const DEFAULT_INPUT = 'asyncapi/tars.asyncapi.yaml';
export const DEFAULT_OUT = 'generated';

const posix = (p: string) => p.split(path.sep).join('/');
const show = (p: string) => posix(path.relative(process.cwd(), path.resolve(p)) || '.');

export const generateCommand: Command = {
  summary: `generate code from an AsyncAPI 3.0 document (default ${DEFAULT_INPUT} → ${DEFAULT_OUT}/, TypeScript and the Python package in ${DEFAULT_OUT}/${DEFAULT_PYTHON_DIR}/); --check compares instead of writing`,
  usage: 'generate [--input <file>] [--out <dir>] [--check] [--lang ts,python] [--python-out <dir>]',
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          input: { type: 'string', short: 'i' },
          out: { type: 'string', short: 'o' },
          lang: { type: 'string' },
          'python-out': { type: 'string' },
          check: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (e) {
      process.stderr.write(`generate: ${(e as Error).message}\nusage: ${this.usage}\n`);
      return 2;
    }
    const input = values.input ?? DEFAULT_INPUT;
    const out = values.out ?? DEFAULT_OUT;
    const langs = (values.lang ?? LANGUAGES.join(',')).split(',').map((l) => l.trim()).filter(Boolean);
    const unknown = langs.filter((l) => !(LANGUAGES as readonly string[]).includes(l));
    if (unknown.length > 0 || langs.length === 0) {
      process.stderr.write(`generate: --lang takes ${LANGUAGES.join(', ')} (comma-separated), got ${JSON.stringify(values.lang)}\nusage: ${this.usage}\n`);
      return 2;
    }
    const languages = langs as Language[];
    const python = languages.includes('python');
    const ts = languages.includes('ts');
    // The Python package is its own target with --python-out, or when it is the only output.
    const pythonAlone = python && (values['python-out'] !== undefined || !ts);
    const pythonOut = values['python-out'] ?? path.join(out, ...DEFAULT_PYTHON_DIR.split('/'));
    let files: GeneratedFile[];
    let pythonFiles: GeneratedFile[] = [];
    const emitted: Diagnostic[] = [];
    const onWarning = (d: Diagnostic) => emitted.push(d);
    try {
      let ir;
      const inOut: Language[] = [...(ts ? (['ts'] as const) : []), ...(python && !pythonAlone ? (['python'] as const) : [])];
      ({ ir, files } = await generateFromFile(input, { languages: inOut, pythonDir: DEFAULT_PYTHON_DIR, onWarning }));
      if (pythonAlone) pythonFiles = await generate(ir, { languages: ['python'], pythonDir: '', onWarning });
      // What could not be expressed is generated as far as it goes, and said once per cause.
      const said = new Set<string>();
      for (const w of [...(ir.warnings ?? []), ...emitted]) {
        const line = `warning: ${formatDiagnostic(w)}\n`;
        if (!said.has(line)) process.stderr.write(line);
        said.add(line);
      }
    } catch (e) {
      if (isContractLoadError(e) || e instanceof GenerateError) {
        const ds = e.diagnostics;
        process.stderr.write(`${show(input)}: ${ds.length} problem${ds.length === 1 ? '' : 's'}; nothing was written\n`);
        for (const d of ds) process.stderr.write(`  ${formatDiagnostic(d)}\n`);
        return 1;
      }
      throw e;
    }
    const pyPrefix = `${DEFAULT_PYTHON_DIR}/`;
    // --python-out is its own folder, replaced as a whole: never the TypeScript folder, inside it, or around it.
    if (values['python-out'] !== undefined) {
      const a = path.resolve(pythonOut);
      const b = path.resolve(out);
      const inside = (x: string, y: string) => x.startsWith(y.endsWith(path.sep) ? y : y + path.sep);
      const clash = a === b ? 'is' : inside(a, b) ? 'is inside' : inside(b, a) ? 'contains' : null;
      if (clash) {
        process.stderr.write(`generate: --python-out ${show(pythonOut)} ${clash} the TypeScript output folder ${show(out)}/ (--out): each is replaced as a whole, so they must be separate folders\nusage: ${this.usage}\n`);
        return 2;
      }
    }
    // Targets: each is one folder written atomically and checked as a whole.
    const targets: { dir: string; files: GeneratedFile[]; what: string }[] = [];
    if (ts || !pythonAlone) targets.push({ dir: out, files, what: 'files' });
    if (pythonAlone) targets.push({ dir: pythonOut, files: pythonFiles, what: 'Python package files' });
    if (values.check) {
      let stale = false;
      for (const t of targets) {
        const problems = await checkOutput(t.dir, t.files);
        if (problems.length === 0) {
          process.stdout.write(`${show(t.dir)}/ is up to date with ${show(input)}\n`);
          continue;
        }
        stale = true;
        process.stderr.write(`${show(t.dir)}/ is stale: run \`npm run generate\` and commit the result\n`);
        for (const p of problems) {
          const f = `${show(t.dir)}/${p.name}`;
          if (p.kind === 'missing') process.stderr.write(`  ${f}: missing\n`);
          else if (p.kind === 'extra') process.stderr.write(`  ${f}: extra file (not generated)\n`);
          else process.stderr.write(`  ${f}:${p.line}: expected ${JSON.stringify(p.expected)} got ${JSON.stringify(p.got)}\n`);
        }
      }
      return stale ? 1 : 0;
    }
    try {
      for (const t of targets) await writeOutput(t.dir, t.files, { onlyGenerated: true });
    } catch (e) {
      if (!(e instanceof OutputGuardError)) throw e;
      process.stderr.write(`generate: ${e.message}; nothing was written there\n`);
      return 2;
    }
    for (const t of targets) {
      const pyCount = t.files.filter((f) => f.name.startsWith(pyPrefix)).length;
      const count = t.files.length - pyCount;
      const extra = pyCount > 0 ? ` (+ the Python package ${show(path.join(t.dir, DEFAULT_PYTHON_DIR))}/: ${pyCount} files)` : '';
      process.stdout.write(`generated ${count} ${t.what} in ${show(t.dir)}/${extra} from ${show(input)}\n`);
    }
    return 0;
  },
};
