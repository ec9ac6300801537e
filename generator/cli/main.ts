/**
 * tars-contracts CLI. `main(argv)` returns the exit code; bin/tars-contracts.js and the npm scripts call it.
 * Commands are looked up in a table and loaded on demand, one module each (generate, diff, demo).
 */
import { pathToFileURL } from 'node:url';

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

type CommandLoader = () => Promise<Command>;

/** The command table. Other commands register by adding a loader here. */
export const commands: Record<string, CommandLoader> = {
  generate: async () => (await import('./generate.js')).generateCommand,
  diff: async () => (await import('../diff/command.js')).diffCommand,
  demo: async () => ({
    summary: 'run the TARS pipeline demo (stt → router → llm → tts, health, invalid messages) on an embedded broker, or on --url / MQTT_URL',
    usage: 'demo [--url <mqtt-url>]',
    run: async (args: string[]) => {
      const { parseArgs } = await import('node:util');
      let url: string | undefined;
      try {
        url = parseArgs({ args, options: { url: { type: 'string', short: 'u' } }, strict: true, allowPositionals: false }).values.url;
      } catch (e) {
        process.stderr.write(`demo: ${(e as Error).message}\nusage: demo [--url <mqtt-url>]\n`);
        return 2;
      }
      const { runDemo } = await import('../demo/index.js');
      return runDemo(url !== undefined ? { url } : {});
    },
  }),
};

/** Text of `help`. */
export async function helpText(): Promise<string> {
  const lines = ['Usage: tars-contracts <command> [options]', '', 'Commands:'];
  for (const name of Object.keys(commands).sort()) {
    const c = await commands[name]!();
    lines.push(`  ${c.usage}`, `      ${c.summary}`);
  }
  lines.push('  help', '      show this help');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write((await helpText()) + '\n');
    return name === undefined ? 2 : 0;
  }
  const load = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`unknown command "${name}"\n\n${await helpText()}\n`);
    return 2;
  }
  try {
    const command = await load();
    return await command.run(rest);
  } catch (e) {
    // Unexpected failures: the message only (no document content or environment is echoed).
    process.stderr.write(`tars-contracts ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// Run directly: `tsx cli/main.ts generate`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
