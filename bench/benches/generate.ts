/**
 * generate: wall time of a full `generate` of the TARS document in a cold process, N times (5, quick 2):
 * `node bin/tars-contracts.js generate --out <tmpdir>` — what `npm run generate` and `npx tars-contracts
 * generate` run, minus npm's own start-up. Reports median and min; target < 3 s.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench, BenchContext, Row } from '../support/types.js';
import { ROOT } from '../support/channels.js';
import { median, min } from '../support/stats.js';

function runOnce(args: string[], cwd: string): Promise<{ ms: number; code: number | null; err: string }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const c = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => { if (err.length < 4000) err += d.toString(); });
    const kill = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('exit', (code) => {
      clearTimeout(kill);
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, err });
    });
  });
}

export const generateBench: Bench = {
  name: 'generate',
  description: 'cold-process `generate` of the TARS document, median/min wall time (target < 3 s)',
  async run(ctx: BenchContext): Promise<Row[]> {
    const root = fileURLToPath(ROOT);
    // The command as users run it: the generator package's compiled bin (no tsx).
    if (!existsSync(join(root, 'generator/dist/cli/main.js'))) {
      return [{ bench: 'generate', case: 'cold generate', unit: 'ms', target: '< 3000 ms', skipped: 'generator/dist is not built: run npm run build' }];
    }
    const bin = join(root, 'generator/bin/tars-contracts.js');
    const n = ctx.quick ? 1 : 5;
    const times: number[] = [];
    let files = 0;
    for (let i = 0; i < n; i++) {
      const out = mkdtempSync(join(tmpdir(), 'tars-bench-gen-'));
      try {
        const r = await runOnce([bin, 'generate', '--out', out], root);
        if (r.code !== 0) throw new Error(`generate exited ${r.code}: ${r.err.trim().split('\n').slice(-3).join(' | ')}`);
        files = readdirSync(out).length;
        if (files === 0) throw new Error('generate wrote nothing');
        times.push(r.ms);
        ctx.log(`generate run ${i + 1}: ${r.ms.toFixed(0)} ms`);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    const med = median(times);
    return [
      {
        bench: 'generate', case: `cold generate ×${n} (median)`, unit: 'ms', raw: med, target: '< 3000 ms', pass: med < 3000,
        note: `min ${min(times).toFixed(0)} ms; ${files} files; node start-up included (compiled bin)`, samples: { ms: times },
      },
    ];
  },
};
