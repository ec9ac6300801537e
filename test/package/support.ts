/** Shell helpers of the package consumer test: commands with readable failures, tsc runs, install size. */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Runs tsc -p `config` in `dir`: its exit code and output (stdout and stderr). */
export async function typecheck(bin: string, config: string, dir: string): Promise<{ code: number; out: string }> {
  return run(process.execPath, [bin, '-p', config], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
}

/** The `error TS` lines of a tsc run; a failed run that printed none (a crash, a bad config) throws with its output. */
export function typeErrors(r: { code: number; out: string }): string[] {
  const errors = r.out.split('\n').filter((l) => / error TS\d+/.test(l));
  if (r.code !== 0 && errors.length === 0) throw new Error(`tsc failed (exit ${r.code}) without a type error:\n${r.out}`);
  if (r.code === 0 && r.out.trim() !== '') throw new Error(`tsc passed but printed:\n${r.out}`);
  return errors;
}

/** Packages (folders with a package.json) under node_modules, and their size in bytes. */
export function installed(dir: string): { packages: number; bytes: number } {
  let packages = 0;
  let bytes = 0;
  const walk = (d: string, depth: number): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(p, depth + 1);
      else bytes += statSync(p).size;
    }
  };
  const countIn = (nm: string): void => {
    for (const e of readdirSync(nm, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      if (e.name.startsWith('@')) {
        for (const s of readdirSync(path.join(nm, e.name), { withFileTypes: true })) if (s.isDirectory()) countPkg(path.join(nm, e.name, s.name));
      } else countPkg(path.join(nm, e.name));
    }
  };
  const countPkg = (p: string): void => {
    packages++;
    const nested = path.join(p, 'node_modules');
    try {
      if (statSync(nested).isDirectory()) countIn(nested);
    } catch {
      // no nested node_modules
    }
  };
  const nm = path.join(dir, 'node_modules');
  countIn(nm);
  walk(nm, 0);
  return { packages, bytes };
}

