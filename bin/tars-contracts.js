#!/usr/bin/env node
// The package ships TypeScript sources; tsx's loader lets the CLI run them directly on Node 20.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
