/**
 * A child process for the chaos tests: `node --import tsx <script>` with extra env, its stdout and stderr kept,
 * started once it printed `READY` (or failing with what it printed when it exits or times out first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor, within } from '../../integration/support/util.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  out(): string;
  err(): string;
  /** 'code N signal S' once it exited, else undefined. */
  exit(): string | undefined;
  kill(): Promise<void>;
}

const children: ChildProcess[] = [];

/** For afterAll: SIGKILL every child still running. */
export function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export async function startChild(script: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  let exit: string | undefined;
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.once('exit', (code, sig) => (exit = `code ${code} signal ${sig}`));
  await within(waitFor(() => out.includes('READY') || exit, `READY from ${script}`, 25_000), 30_000, `${script} to start`);
  if (exit !== undefined) throw new Error(`${script} exited before READY (${exit}): ${err}`);
  return {
    process: proc,
    out: () => out,
    err: () => err,
    exit: () => exit,
    kill: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    },
  };
}
