/** Stand-alone entry of the breaking-change check (used by scripts/contract-diff-ci.sh):
 *  `npx tsx generator/diff/main.ts --against HEAD~1 [--input <file>] [--mode backward|forward|full] [--format text|json|github]` */
import { runDiff } from './command.js';

process.exitCode = await runDiff(process.argv.slice(2));
