import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = ['greenhouse', 'fleet', 'edge'] as const;
export const fixtureDoc = (name: string) => `test/fixtures/${name}.asyncapi.yaml`;
export const goldenDir = (name: string) => path.join(REPO, 'test/fixtures/golden', name);
export const readFixture = (name: string) => readFileSync(path.join(REPO, fixtureDoc(name)), 'utf8');

/** Run `fn` with process.stdout/stderr writes captured. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, stdout, stderr };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
