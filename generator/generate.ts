/**
 * The generator pipeline: IR → files (in memory, pure), and the two I/O steps the CLI uses: an atomic
 * write of a whole output folder, and a byte-for-byte check of a folder against fresh output.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContractIR } from './ir.js';
import type { Diagnostic } from './diagnostics.js';
import { readContractFile, startLoad } from './load.js';
import type { GeneratedFile } from './emit/header.js';
import { emitTypes } from './emit/types.js';
import { emitValidators } from './emit/validators.js';
import { emitApi } from './emit/api.js';
import { emitChannels } from './emit/channels.js';
import { emitIndex } from './emit/index.js';
import { emitTopics } from './emit/topics.js';
import { emitPython, PYTHON_PACKAGE } from './emit/python/index.js';

export type { GeneratedFile } from './emit/header.js';

/** The outputs generate() can make: the TypeScript files, the Python package (pydantic v2), or both. */
export type Language = 'ts' | 'python';
export const LANGUAGES: readonly Language[] = ['ts', 'python'];

export interface GenerateOptions {
  /** Default ['ts']: the TypeScript files only (the library API keeps its file set; the CLI asks for both). */
  readonly languages?: readonly Language[];
  /** Folder of the Python package inside the output, default 'python/tars_contracts'. */
  readonly pythonDir?: string;
  /** Receives what an emitter generated as far as it goes (the Python models' unchecked keywords and patterns). */
  readonly onWarning?: (warning: Diagnostic) => void;
}

/** Where the Python package goes inside generated/ unless told otherwise. */
export const DEFAULT_PYTHON_DIR = `python/${PYTHON_PACKAGE}`;

/**
 * Load a document and generate its files. Emitting starts from the raw-document IR while the AsyncAPI
 * parser still validates (in a worker); files are returned only once the document is known valid,
 * otherwise the ContractLoadError is thrown.
 */
export async function generateFromFile(file: string, options: GenerateOptions = {}): Promise<{ ir: ContractIR; files: GeneratedFile[] }> {
  const { path: sourcePath, text } = await readContractFile(file);
  const { draft, done } = startLoad(text, sourcePath);
  const early = draft ? generate(draft, options).then((files) => ({ files }), (error: unknown) => ({ error })) : null;
  const ir = await done; // throws ContractLoadError: the early files are dropped
  const result = early ? await early : { files: await generate(ir, options) };
  if ('error' in result) throw result.error;
  return { ir, files: result.files };
}

/** Every output file, sorted by name. The set of names is the same for every document (per language). The Python
 *  package's files are named `<pythonDir>/<module>`, so one writeOutput/checkOutput covers both languages. */
export async function generate(ir: ContractIR, options: GenerateOptions = {}): Promise<GeneratedFile[]> {
  const languages = options.languages ?? ['ts'];
  const out: GeneratedFile[] = [];
  if (languages.includes('ts')) {
    const [types, validators, channels, api, index, topics] = await Promise.all([
      emitTypes(ir),
      emitValidators(ir),
      emitChannels(ir),
      emitApi(ir),
      emitIndex(ir),
      emitTopics(ir),
    ]);
    out.push(types, ...validators, channels, api, ...index, topics);
  }
  if (languages.includes('python')) {
    const dir = (options.pythonDir ?? DEFAULT_PYTHON_DIR).replace(/\/+$/, '');
    for (const f of await emitPython(ir, options.onWarning)) out.push({ name: dir === '' ? f.name : `${dir}/${f.name}`, content: f.content });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Write `files` as the whole content of `outDir`, atomically: everything goes to `<outDir>.tmp-<pid>`
 * first, then the old folder is moved aside and the new one renamed into place. On any failure the temp
 * folder is removed and an existing `outDir` is left as it was. With `onlyGenerated`, an existing `outDir` holding a
 * file without the generated header (bytecode caches aside) is refused (OutputGuardError) and left as it was.
 */
export async function writeOutput(outDir: string, files: readonly GeneratedFile[], options: { readonly onlyGenerated?: boolean } = {}): Promise<void> {
  const target = path.resolve(outDir);
  // `onlyGenerated` (the CLI, both languages): refuse to replace a folder holding a file tars-contracts did not write.
  const foreign = options.onlyGenerated ? await foreignFiles(target) : [];
  if (foreign.length > 0) {
    throw new OutputGuardError(
      `${outDir} holds files tars-contracts did not generate (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? `, and ${foreign.length - 3} more` : ''}): the output folder is replaced as a whole, so it must hold generated files only; choose an empty or generated folder`,
    );
  }
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmp, { recursive: true });
    for (const f of files) {
      const p = path.join(tmp, ...f.name.split('/'));
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, f.content, 'utf8');
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let movedOld = false;
  try {
    try {
      await rename(target, old);
      movedOld = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await rename(tmp, target);
  } catch (e) {
    if (movedOld) await rename(old, target).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (movedOld) await rm(old, { recursive: true, force: true });
}

/** Refusal to replace a folder that holds files not generated by tars-contracts (writeOutput replaces the whole folder). */
export class OutputGuardError extends Error {
  override readonly name = 'OutputGuardError';
}

/** The mark every generated file carries near its start (py.typed, empty, is the one file without it). */
const GENERATED_MARK = '@generated by tars-contracts';

/** Files under `dir` (bytecode caches aside) that tars-contracts did not generate: no mark in their first 512 bytes. */
async function foreignFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await listFiles(dir)) {
    const p = path.join(dir, ...name.split('/'));
    const head = (await readFile(p)).subarray(0, 512).toString('utf8');
    const emptyMarker = head === '' && path.basename(name) === 'py.typed';
    if (!head.includes(GENERATED_MARK) && !emptyMarker) out.push(name);
  }
  return out;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries) {
    // Python writes bytecode caches next to an imported package: not output, not a stale file.
    if (e.isDirectory() && e.name === '__pycache__') continue;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), `${prefix}${e.name}/`)));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

export interface Staleness {
  /** File name inside the folder. */
  readonly name: string;
  readonly kind: 'missing' | 'extra' | 'changed';
  /** For 'changed': the first differing line (1-based) and both texts of that line. */
  readonly line?: number;
  readonly expected?: string;
  readonly got?: string;
}

/** Compare `outDir` with freshly generated files; empty = in sync. */
export async function checkOutput(outDir: string, files: readonly GeneratedFile[]): Promise<Staleness[]> {
  const onDisk = new Set(await listFiles(outDir));
  const problems: Staleness[] = [];
  for (const f of files) {
    if (!onDisk.has(f.name)) {
      problems.push({ name: f.name, kind: 'missing' });
      continue;
    }
    onDisk.delete(f.name);
    const got = await readFile(path.join(outDir, f.name), 'utf8');
    if (got === f.content) continue;
    const a = f.content.split('\n');
    const b = got.split('\n');
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    problems.push({ name: f.name, kind: 'changed', line: i + 1, expected: a[i] ?? '<end of file>', got: b[i] ?? '<end of file>' });
  }
  for (const extra of onDisk) problems.push({ name: extra, kind: 'extra' });
  return problems.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
