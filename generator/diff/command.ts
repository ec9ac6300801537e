/**
 * `tars-contracts diff --against <git-ref | file> [--input <file>] [--mode backward|forward|full]
 *  [--format text|json|github]`
 *
 * Loads the previous contract (a file, or the input's path at a git revision via `git show`) and the
 * current one with the same loader (generator/load), compares their IRs (compare.ts) in a mode (--mode, else
 * the current document's `info.x-compatibility`, else full) and prints a report with each channel's safe
 * deploy order. Exit codes: 0 = no breaking change (or info.version's major was raised), 1 = breaking changes
 * without a major bump, 2 = usage error, unreadable/invalid document, unknown git revision.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import type { ContractIR } from '../ir.js';
import { isContractLoadError, loadContractFromString, type LoadOptions } from '../load.js';
import { deployOrder, diffContracts, summarize } from './compare.js';
import { GitError, pathInRepo, readFileAtRef, repoRoot } from './git.js';
import { makeLineFinder } from './lines.js';
import { FORMATS, render, type Format, type ModeSource } from './report.js';
import { DEFAULT_MODE, isMode, MODE_EXTENSION, MODES, type Mode } from './rules.js';

export const DEFAULT_INPUT = 'asyncapi/tars.asyncapi.yaml';

export interface DiffIO {
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  readonly cwd?: string;
}

export const DIFF_USAGE = `Usage: tars-contracts diff --against <git-ref | file> [--input <file>] [--mode backward|forward|full] [--format text|json|github]

Compares the contract in --input (default ${DEFAULT_INPUT}) with a previous version of it: the same path
at a git revision (read with git show, no checkout) or another file. Reports every change with a rule id,
the direction it breaks and each channel's safe deploy order (see docs/breaking-changes.md); exits 1 when a
change is breaking in the mode checked and info.version's major was not raised.

  --against <ref|file>  previous version: a file path, or any git revision (main, HEAD~1, v1.2.0, a sha)
  --input <file>        current document (default ${DEFAULT_INPUT})
  --mode <m>            backward: new subscribers accept what old publishers send (widening is safe);
                        forward: old subscribers accept what new publishers send;
                        full: both (default; the current document may set its own in info.${MODE_EXTENSION})
  --format <f>          text (default), json, or github (workflow annotations)
`;

interface Args {
  against: string;
  input: string;
  format: Format;
  mode: Mode | undefined;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | 'help' {
  let against: string | undefined;
  let input = DEFAULT_INPUT;
  let format: Format = 'text';
  let mode: Mode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--against':
        against = value();
        break;
      case '--input':
        input = value();
        break;
      case '--format': {
        const f = value();
        if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown --format ${f} (text, json or github)`);
        format = f as Format;
        break;
      }
      case '--mode': {
        const m = value();
        if (!isMode(m)) throw new UsageError(`unknown --mode ${m} (${MODES.join(', ')})`);
        mode = m;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (against === undefined) throw new UsageError('--against <git-ref | file> is required');
  return { against, input, format, mode };
}

/**
 * The mode a document declares in `info.x-compatibility` (the IR does not carry info extensions, so it is read
 * from the text), undefined when it declares none. Throws LoadFailure on a value that is not a mode.
 */
export function documentMode(text: string, label: string): Mode | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined; // the loader reports unreadable documents
  }
  const info = (doc as { info?: unknown } | null)?.info;
  const value = typeof info === 'object' && info !== null ? (info as Record<string, unknown>)[MODE_EXTENSION] : undefined;
  if (value === undefined) return undefined;
  if (!isMode(value))
    throw new LoadFailure(`info.${MODE_EXTENSION} of ${label} is ${JSON.stringify(value)}: expected one of ${MODES.join(', ')}`);
  return value;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * `from`: where the document's external `$ref`s are read: the file system next to `path` (a path relative to the
 * working directory), or, for a git revision, the same files at that revision.
 */
async function load(text: string, label: string, which: 'previous' | 'current', from?: { path: string; options: LoadOptions }): Promise<ContractIR> {
  try {
    return from ? await loadContractFromString(text, from.path, from.options) : await loadContractFromString(text, label);
  } catch (e) {
    const detail = isContractLoadError(e) || e instanceof Error ? e.message : String(e);
    throw new LoadFailure(`cannot load the ${which} contract (${label}):\n${detail}`);
  }
}

class LoadFailure extends Error {}

const posix = (p: string) => p.split(sep).join('/');

export async function runDiff(argv: string[], io: DiffIO = {}): Promise<number> {
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const cwd = io.cwd ?? process.cwd();
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`tars-contracts diff: ${(e as Error).message}\n\n${DIFF_USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out(DIFF_USAGE);
    return 0;
  }
  try {
    const inputAbs = resolve(cwd, args.input);
    let currentText: string;
    try {
      currentText = await readFile(inputAbs, 'utf8');
    } catch (e) {
      throw new LoadFailure(`cannot read the current contract ${args.input}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }

    // The previous version: a file when one exists at that path, else a git revision.
    let previousText: string;
    let beforeLabel: string;
    let previousFrom: { path: string; options: LoadOptions } | undefined;
    let fileLabel = posix(relative(cwd, inputAbs)) || args.input;
    const againstAbs = resolve(cwd, args.against);
    if (await isFile(againstAbs)) {
      previousText = await readFile(againstAbs, 'utf8');
      beforeLabel = posix(relative(cwd, againstAbs)) || args.against;
    } else {
      const root = await repoRoot(dirname(inputAbs));
      const inRepo = pathInRepo(root, inputAbs);
      previousText = await readFileAtRef(args.against, inRepo, root);
      beforeLabel = `${args.against}:${inRepo}`;
      // Files the old document refers to are read as they were at the same revision.
      const ref = args.against;
      previousFrom = {
        path: posix(relative(cwd, inputAbs)) || args.input,
        options: { readFile: (file) => readFileAtRef(ref, pathInRepo(root, resolve(cwd, file)), root) },
      };
      // Annotations name files relative to the repository root.
      if (args.format === 'github') fileLabel = inRepo;
    }

    const before = await load(previousText, beforeLabel, 'previous', previousFrom);
    const after = await load(currentText, fileLabel, 'current', { path: posix(relative(cwd, inputAbs)) || args.input, options: { readFile: (file) => readFile(resolve(cwd, file), 'utf8') } });

    // The mode: --mode, else the CURRENT document's info.x-compatibility, else full.
    const declared = documentMode(currentText, fileLabel);
    let previousDeclared: Mode | undefined;
    try {
      previousDeclared = documentMode(previousText, beforeLabel);
    } catch {
      previousDeclared = undefined; // an invalid old value does not matter: only the current one is used
    }
    const mode = args.mode ?? declared ?? DEFAULT_MODE;
    const modeSource: ModeSource = args.mode !== undefined ? 'option' : declared !== undefined ? 'document' : 'default';
    const was = previousDeclared ?? DEFAULT_MODE;
    const now = declared ?? DEFAULT_MODE;
    const modeNote =
      was !== now
        ? `info.${MODE_EXTENSION} changed from ${was}${previousDeclared === undefined ? ' (default)' : ''} to ${now}${declared === undefined ? ' (default)' : ''} in this version; the check uses the current document's${args.mode !== undefined ? ' unless --mode is given' : ''}.`
        : undefined;

    const changes = diffContracts(before, after, { mode });
    const summary = summarize(before, after, changes, mode);
    out(
      render(args.format, {
        changes,
        summary,
        beforeLabel,
        file: fileLabel,
        lineOf: makeLineFinder(currentText),
        deployOrder: deployOrder(before, after, changes),
        modeSource,
        ...(modeNote !== undefined ? { modeNote } : {}),
      }),
    );
    return summary.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof LoadFailure || e instanceof GitError) {
      err(`tars-contracts diff: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** The `diff` entry of the CLI command table (cli/main.ts): `diff: async () => (await import('../generator/diff/command.js')).diffCommand`. */
export const diffCommand = {
  summary: 'breaking-change check: compare the contract with a git revision or a file (rule ids, exit 1 on a break without a major bump)',
  usage: 'diff --against <git-ref | file> [--input <file>] [--mode backward|forward|full] [--format text|json|github]',
  run: (args: string[]): Promise<number> => runDiff(args),
} as const;
