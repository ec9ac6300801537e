#!/usr/bin/env node
// The tars-contracts command (generate, diff, demo): the compiled CLI of @tars-contracts/generator.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('tars-contracts: the generator is not built (no dist/cli/main.js); in the repository run `npm run build`.\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
