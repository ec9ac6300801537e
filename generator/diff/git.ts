/** Reading a contract as it was at a git revision: `git show <ref>:<path>`, no checkout. */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class GitError extends Error {
  override readonly name = 'GitError';
}

async function git(args: readonly string[], cwd: string): Promise<string> {
  const { stdout } = await run('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

function stderrOf(e: unknown): string {
  const s = (e as { stderr?: unknown }).stderr;
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : e instanceof Error ? e.message : String(e);
}

/** The top-level directory of the repository that contains `dir`. */
export async function repoRoot(dir: string): Promise<string> {
  try {
    return (await git(['rev-parse', '--show-toplevel'], dir)).trim();
  } catch (e) {
    throw new GitError(`${dir} is not inside a git repository (${stderrOf(e)})`);
  }
}

/** The commit a ref names, or null when it does not exist. */
export async function resolveRef(ref: string, cwd: string): Promise<string | null> {
  try {
    return (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd)).trim() || null;
  } catch {
    return null;
  }
}

/** `file` (absolute or relative to cwd) as a forward-slash path relative to the repository root. */
export function pathInRepo(root: string, file: string): string {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  // The file itself may not exist any more; resolve its directory.
  const abs = resolve(real(dirname(file)), file.split(/[\\/]/).pop()!);
  const rel = relative(real(root), abs);
  if (rel.startsWith('..')) throw new GitError(`${file} is outside the repository ${root}`);
  return rel.split(sep).join('/');
}

/** The text of `pathInRepo` at `ref`. Clear errors for an unknown ref and for a path missing at that ref. */
export async function readFileAtRef(ref: string, path: string, cwd: string): Promise<string> {
  const commit = await resolveRef(ref, cwd);
  if (commit === null) throw new GitError(`unknown git revision '${ref}' (not a branch, tag or commit here)`);
  try {
    await git(['cat-file', '-e', `${commit}:${path}`], cwd);
  } catch {
    throw new GitError(`${path} does not exist at '${ref}' (${commit.slice(0, 12)})`);
  }
  try {
    return await git(['show', `${commit}:${path}`], cwd);
  } catch (e) {
    throw new GitError(`git show ${ref}:${path} failed: ${stderrOf(e)}`);
  }
}
